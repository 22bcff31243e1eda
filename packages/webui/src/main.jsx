// The whole UI is Locust's own (npm locust-ui); the master writes `window.templateArgs` into
// index.html before this bundle runs, exactly as Locust's Flask template does.
import { createRoot } from 'react-dom/client';
import LocustUi from 'locust-ui';
import { ReplicasHeader, scalingTab } from './scaling-tab.jsx';

createRoot(document.getElementById('root')).render(<><LocustUi extendedTabs={[scalingTab]} /><ReplicasHeader /></>);
