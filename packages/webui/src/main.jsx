// The whole UI is Locust's own (npm locust-ui); the master writes `window.templateArgs` into
// index.html before this bundle runs, exactly as Locust's Flask template does.
import { createRoot } from 'react-dom/client';
import LocustUi from 'locust-ui';
import { edgesTab } from './edges-tab.jsx';
import { pulseTabs } from './pulse-charts.jsx';
import { ReplicasHeader, scalingTab } from './scaling-tab.jsx';
import { ShapePicker } from './shape-picker.jsx';

// Tables of extension tabs (e.g. the arrival rate's) come from the template args too: locust-ui
// reads tabs from them but tables only as a prop, which it would otherwise reset to none.
const extendedTables = window.templateArgs?.extended_tables;

createRoot(document.getElementById('root')).render(
  <>
    <LocustUi tabs={pulseTabs} extendedTabs={[edgesTab, scalingTab]} extendedTables={extendedTables} />
    <ShapePicker />
    <ReplicasHeader />
  </>,
);
