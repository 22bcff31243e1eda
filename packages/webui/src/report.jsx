// The HTML report (`/stats/report`, `--html FILE`): the newest Locust's report page
// (locust/webui/src/pages/HtmlReport.tsx) drawn with locust-ui's own Table and LineChart, from
// the `window.templateArgs` the master writes with `is_report: true` — plus locust-ts's Edges and
// Scaling sections. The build inlines this bundle into one file, so the report opens anywhere.
import { createRoot } from 'react-dom/client';
import { Box, Container, CssBaseline, Link, Typography } from '@mui/material';
import { ThemeProvider, createTheme } from '@mui/material/styles';
import { LineChart, Table } from 'locust-ui';
import { EdgesView } from './edges-tab.jsx';
import { chartDefinitions } from './pulse-charts.jsx';
import { ScaleView } from './scaling-tab.jsx';

const args = window.templateArgs ?? {};
const theme = window.theme === 'dark' ? 'dark' : 'light';

const STATS_STRUCTURE = [
  { key: 'method', title: 'Type' },
  { key: 'name', title: 'Name' },
  { key: 'num_requests', title: '# Requests' },
  { key: 'num_failures', title: '# Fails' },
  { key: 'avg_response_time', title: 'Average (ms)', round: 2 },
  { key: 'min_response_time', title: 'Min (ms)' },
  { key: 'max_response_time', title: 'Max (ms)' },
  { key: 'avg_content_length', title: 'Average size (bytes)', round: 2 },
  { key: 'total_rps', title: 'RPS', round: 2 },
  { key: 'total_fail_per_sec', title: 'Failures/s', round: 2 },
];

const localTime = (unixSeconds) => (unixSeconds ? new Date(unixSeconds * 1000).toLocaleString() : '');
const FAILURES_STRUCTURE = [
  { key: 'occurrences', title: '# Failures' },
  { key: 'method', title: 'Method' },
  { key: 'name', title: 'Name' },
  { key: 'error', title: 'Message' },
  { key: 'first_seen', title: 'First Seen', formatter: localTime },
  { key: 'last_seen', title: 'Last Seen', formatter: localTime },
];

const EXCEPTIONS_STRUCTURE = [
  { key: 'count', title: '# occurrences' },
  { key: 'msg', title: 'Message' },
  { key: 'traceback', title: 'Traceback' },
];

const camelCase = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/**
 * `[{ current_rps: [time, value], time }, ...]` → `{ currentRps: [[time, value], ...], time: [...] }`,
 * the series locust-ui's store builds from the same history.
 */
function chartsOf(history) {
  const charts = {};
  for (const point of history) for (const [key, value] of Object.entries(point)) (charts[camelCase(key)] ??= []).push(value);
  return charts;
}

function percentileColumns(rows) {
  return Object.keys(rows[0] ?? {})
    .filter((key) => Boolean(Number(key)))
    .map((p) => ({ key: p, title: `${Number(p) * 100}%ile (ms)` }));
}

function Ratios({ ratios }) {
  const list = (classRatio) => (
    <ul>
      {Object.entries(classRatio).map(([key, { ratio, tasks }]) => (
        <li key={key}>
          {`${(ratio * 100).toFixed(1)}% ${key}`}
          {tasks && list(tasks)}
        </li>
      ))}
    </ul>
  );
  return (
    <div>
      {ratios.per_class && (
        <>
          <h3>Ratio Per Class</h3>
          {list(ratios.per_class)}
        </>
      )}
      {ratios.total && (
        <>
          <h3>Total Ratio</h3>
          {list(ratios.total)}
        </>
      )}
    </div>
  );
}

function Section({ title, children, testId }) {
  return (
    <Box data-testid={testId}>
      <Typography component='h2' noWrap sx={{ mb: 1 }} variant='h4'>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

function Field({ name, children }) {
  return (
    <Box sx={{ display: 'flex', columnGap: 0.5 }}>
      <Typography sx={{ fontWeight: 600 }}>{name}:</Typography>
      <Typography>{children}</Typography>
    </Box>
  );
}

const charts = chartsOf(args.history ?? []);
/** The chart series the report draws (read by the browser test as a user would read the charts). */
window.locustTsCharts = () => charts;

function HtmlReport() {
  const responseTimes = args.response_time_statistics ?? [];
  const exceptions = args.exceptions_statistics ?? [];
  const definitions = chartDefinitions(args.percentiles_to_chart ?? [], Boolean(charts.intendedRps), Boolean(charts.intendedUsers));
  return (
    <ThemeProvider theme={createTheme({ palette: { mode: theme } })}>
      <CssBaseline />
      <Container maxWidth='lg' sx={{ my: 4 }}>
        <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end' }}>
          <Typography component='h1' noWrap sx={{ fontWeight: 700 }} variant='h3'>
            Locust Test Report
          </Typography>
          {args.show_download_link && <Link href={`?download=1&theme=${theme}`}>Download the Report</Link>}
        </Box>
        <Box sx={{ my: 2 }}>
          {args.profile && <Field name='Profile'>{args.profile}</Field>}
          <Field name='During'>
            {new Date(args.start_time).toLocaleString()} - {new Date(args.end_time).toLocaleString()} ({args.duration})
          </Field>
          <Field name='Target Host'>{args.host || 'None'}</Field>
          <Field name='Script'>{args.locustfile}</Field>
        </Box>
        <Box sx={{ display: 'flex', flexDirection: 'column', rowGap: 4 }}>
          <Section title='Request Statistics' testId='report-requests'>
            <Table hasTotalRow rows={args.requests_statistics ?? []} structure={STATS_STRUCTURE} />
          </Section>
          {responseTimes.length > 0 && (
            <Section title='Response Time Statistics' testId='report-response-times'>
              <Table hasTotalRow rows={responseTimes} structure={[{ key: 'method', title: 'Method' }, { key: 'name', title: 'Name' }, ...percentileColumns(responseTimes)]} />
            </Section>
          )}
          <Section title='Failures Statistics' testId='report-failures'>
            <Table rows={args.failures_statistics ?? []} structure={FAILURES_STRUCTURE} />
          </Section>
          {exceptions.length > 0 && (
            <Section title='Exceptions Statistics' testId='report-exceptions'>
              <Table rows={exceptions} structure={EXCEPTIONS_STRUCTURE} />
            </Section>
          )}
          <Section title='Charts' testId='report-charts'>
            {definitions.map((chart) => (
              <LineChart key={chart.title} {...chart} charts={charts} isDarkMode={theme === 'dark'} />
            ))}
          </Section>
          {args.edges && args.edges.edges.length > 0 && (
            <Section title='Edges' testId='report-edges'>
              <EdgesView view={args.edges} />
            </Section>
          )}
          {args.scale?.enabled && (
            <Section title='Scaling' testId='report-scaling'>
              <ScaleView scale={args.scale} />
              {args.scale.summary?.length > 0 && <pre data-testid='report-scale-summary'>{args.scale.summary.join('\n')}</pre>}
            </Section>
          )}
          <Section title='Final ratio'>
            <Ratios ratios={args.tasks ?? {}} />
          </Section>
        </Box>
      </Container>
    </ThemeProvider>
  );
}

createRoot(document.getElementById('root')).render(<HtmlReport />);
