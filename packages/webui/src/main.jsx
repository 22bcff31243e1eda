// The whole UI is Locust's own (npm locust-ui); the master writes `window.templateArgs` into
// index.html before this bundle runs, exactly as Locust's Flask template does.
import { createRoot } from 'react-dom/client';
import LocustUi from 'locust-ui';
import { edgesTab } from './edges-tab.jsx';
import { pulseTabs } from './pulse-charts.jsx';
import { ReplicasHeader, scalingTab } from './scaling-tab.jsx';
import { ShapePicker } from './shape-picker.jsx';

// locust-ui takes either a whole `tabs` list or extra tabs, never both: a `tabs` prop replaces its
// base tabs, the `extendedTabs` prop and the template args' extended tabs alike. So the list is
// whole here: base tabs (Charts with the intended line), ours, then the template args' tabs
// (e.g. the arrival rate's), whose tables locust-ui takes only as a prop.
const templateArgs = window.templateArgs ?? {};
const tabs = [...pulseTabs, edgesTab, scalingTab, ...(templateArgs.extended_tabs ?? [])];

createRoot(document.getElementById('root')).render(
  <>
    <LocustUi tabs={tabs} extendedTables={templateArgs.extended_tables} />
    <ShapePicker />
    <ReplicasHeader />
  </>,
);
