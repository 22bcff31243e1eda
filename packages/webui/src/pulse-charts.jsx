// locust-ts: the Charts tab with a load shape's intended line — intended users on the users
// chart, an intended arrival rate on the RPS chart — beside locust-ui's own lines.
//
// locust-ui builds its chart series in its store from each `/stats/requests` poll, picking known
// fields; the intended value (`intended_users` / `intended_rps`, sent while a shape runs) is
// appended here to the same store's charts on each new poll, and after a reload the series come
// back from the history in the template args (also carrying the intended values).
import { useMemo } from 'react';
import { useSelector } from 'react-redux';
import { LineChart, baseTabs, locustStore } from 'locust-ui';

const INTENDED_KEYS = ['intendedUsers', 'intendedRps'];
const INTENDED_STYLE = { step: 'end', symbol: 'none', lineStyle: { type: 'dashed', width: 2 } };

let lastStats = null;
/** Append the intended values of each new stats answer to the charts (a gap when no shape runs). */
function recordIntended() {
  const state = locustStore.getState();
  const query = Object.values(state.api?.queries ?? {}).find((q) => q?.endpointName === 'getStats' && q.data);
  const stats = query?.data;
  if (!stats || stats === lastStats) return;
  lastStats = stats;
  const time = new Date().toISOString();
  const payload = {};
  for (const key of INTENDED_KEYS) {
    if (stats[key] !== undefined) payload[key] = [time, stats[key]];
    else if (state.ui.charts[key]) payload[key] = { value: null };
  }
  if (Object.keys(payload).length > 0) locustStore.dispatch({ type: 'ui/updateCharts', payload });
}
locustStore.subscribe(recordIntended);

/** The chart series the page shows (read by the browser test as a user would read the chart). */
window.locustTsCharts = () => locustStore.getState().ui.charts;

/** The three charts of locust-ui's Charts tab, plus the intended lines that have data. */
export function chartDefinitions(percentiles, intendedRps, intendedUsers) {
  return [
    {
      title: 'Total Requests per Second',
      lines: [
        { name: 'RPS', key: 'currentRps' },
        { name: 'Failures/s', key: 'currentFailPerSec' },
        ...(intendedRps ? [{ name: 'Intended RPS', key: 'intendedRps', ...INTENDED_STYLE }] : []),
      ],
      colors: ['#00ca5a', '#ff6d6d', '#0099ff'],
    },
    {
      title: 'Response Times (ms)',
      lines: percentiles.map((p) => ({ name: `${p * 100}th percentile`, key: `responseTimePercentile${p}` })),
      colors: ['#ff9f00', '#9966CC', '#8A2BE2', '#8E4585', '#E0B0FF', '#C8A2C8', '#E6E6FA'],
    },
    {
      title: 'Number of Users',
      lines: [
        { name: 'Number of Users', key: 'userCount' },
        ...(intendedUsers ? [{ name: 'Intended users', key: 'intendedUsers', ...INTENDED_STYLE }] : []),
      ],
      colors: ['#0099ff', '#ff9f00'],
    },
  ];
}

function PulseCharts() {
  const charts = useSelector(({ ui }) => ui.charts);
  const isDarkMode = useSelector(({ theme }) => theme.isDarkMode);
  const percentiles = useSelector(({ swarm }) => swarm.percentilesToChart);
  const intendedRps = Boolean(charts.intendedRps);
  const intendedUsers = Boolean(charts.intendedUsers);
  // the same line objects between polls: LineChart re-applies its series whenever they change
  const definitions = useMemo(() => chartDefinitions(percentiles ?? [], intendedRps, intendedUsers), [percentiles, intendedRps, intendedUsers]);
  // a chart whose set of lines changed is drawn afresh (key), so an intended line appears with its style
  return definitions.map((chart) => <LineChart key={`${chart.title}-${chart.lines.length}`} {...chart} charts={charts} isDarkMode={isDarkMode} />);
}

/** locust-ui's tabs with the Charts tab drawing the intended line too. */
export const pulseTabs = baseTabs.map((tab) => (tab.key === 'charts' ? { ...tab, component: PulseCharts } : tab));
