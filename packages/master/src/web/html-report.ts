/**
 * The self-contained HTML report (`/stats/report`, `--html FILE`): run summary, request
 * statistics, response-time percentiles, failures, exceptions, task ratios, and charts drawn as
 * inline SVG from the run's history. No script and no external URL, so the file opens anywhere.
 */
import { basename } from 'node:path';
import { PERCENTILES_TO_REPORT, nowSeconds, type StatsEntry } from '@locust-ts/protocol';
import { responseTimePercentile } from '../report/percentiles.js';
import { readablePercentile } from '../report/py-format.js';
import { parseError, sortedErrors } from '../report/stats-errors.js';
import { formatDuration, formatUtcTimestamp } from './format.js';
import type { HistoryPoint, MasterRunnerView } from '../runner/runner-view.js';
import { tasksJson } from './stats-json.js';

export interface HtmlReportOptions {
  /** false when the report is itself the download (`?download=1`), as Locust does */
  showDownloadLink?: boolean;
  /** `--watch-scale`: the Scaling section (html-scale.ts), placed after the charts */
  scaleSection?: string;
}

const CHART_WIDTH = 900;
const CHART_HEIGHT = 220;
const CHART_PADDING = { left: 56, right: 16, top: 28, bottom: 28 };
const Y_TICKS = 4;
const X_TICKS = 6;

export function esc(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(x: number, digits = 2): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

export function table(headers: string[], rows: (string | number)[][], emptyText: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(emptyText)}</p>`;
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? esc(c) : c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

interface Series {
  name: string;
  color: string;
  values: number[];
}

/** A line chart over the history's timestamps, with its own y axis from 0 to the maximum. */
export function svgLineChart(title: string, times: number[], series: Series[]): string {
  const { left, right, top, bottom } = CHART_PADDING;
  const w = CHART_WIDTH - left - right;
  const h = CHART_HEIGHT - top - bottom;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const n = times.length;
  const x = (i: number) => left + (n <= 1 ? w / 2 : (i * w) / (n - 1));
  const y = (v: number) => top + h - (v / max) * h;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="18" class="title">${esc(title)}</text>`);
  for (let i = 0; i <= Y_TICKS; i++) {
    const v = (max * i) / Y_TICKS;
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${esc(num(v, 1))}</text>`);
  }
  for (let k = 0; k < Math.min(X_TICKS, n); k++) {
    const i = n <= 1 ? 0 : Math.round((k * (n - 1)) / Math.max(1, Math.min(X_TICKS, n) - 1));
    const label = formatUtcTimestamp(times[i]).slice(11, 19);
    parts.push(`<text x="${x(i)}" y="${top + h + 18}" class="tick" text-anchor="middle">${label}</text>`);
  }
  let legendX = left + w;
  for (const s of [...series].reverse()) {
    const label = esc(s.name);
    legendX -= 14 + s.name.length * 7;
    parts.push(`<rect x="${legendX}" y="9" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${legendX + 14}" y="18" class="tick">${label}</text>`);
    legendX -= 12;
  }
  for (const s of series) {
    if (n === 0) continue;
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
  }
  if (n === 0) parts.push(`<text x="${left + w / 2}" y="${top + h / 2}" class="tick" text-anchor="middle">no data</text>`);
  return `<svg viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
}

function charts(history: HistoryPoint[]): string {
  const times = history.map((p) => p.time);
  return [
    svgLineChart('Total Requests per Second', times, [
      { name: 'RPS', color: '#00ca5a', values: history.map((p) => p.currentRps) },
      { name: 'Failures/s', color: '#ff6d6d', values: history.map((p) => p.currentFailPerSec) },
    ]),
    svgLineChart('Response Times (ms)', times, [
      { name: '50th percentile', color: '#9966cc', values: history.map((p) => p.currentResponseTimePercentile50 ?? 0) },
      { name: '95th percentile', color: '#ff9f00', values: history.map((p) => p.currentResponseTimePercentile95 ?? 0) },
      { name: 'Average', color: '#4f9dd9', values: history.map((p) => p.totalAvgResponseTime) },
    ]),
    svgLineChart('Number of Users', times, [{ name: 'Users', color: '#0099ff', values: history.map((p) => p.userCount) }]),
  ].join('\n');
}

function requestRows(entries: StatsEntry[], total: StatsEntry): (string | number)[][] {
  return entries.map((e) => [
    esc(e.method ?? ''),
    esc(e.name),
    e.numRequests,
    e.numFailures,
    num(e.avgResponseTime),
    num(e.minResponseTime ?? 0),
    num(e.maxResponseTime),
    num(e.avgContentLength),
    num(e.totalRps(total)),
    num(e.totalFailPerSec(total)),
  ]);
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #dde3ea;padding-bottom:4px}
.meta p{margin:2px 0}table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e6ebf0;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f6f9}tbody tr:last-child td{font-weight:600}pre{margin:0;white-space:pre-wrap;font-size:12px}
.empty{color:#6b7785}svg{width:100%;max-width:${CHART_WIDTH}px;display:block;margin:12px 0}
svg .title{font-size:14px;font-weight:600;fill:#1d2733}svg .tick{font-size:11px;fill:#5b6875}svg .grid{stroke:#e6ebf0}
`;

/** The report as one HTML document. */
export function renderHtmlReport(runner: MasterRunnerView, options: HtmlReportOptions = {}): string {
  const stats = runner.stats;
  const total = stats.total;
  const start = runner.startTime ?? total.startTime;
  const end = total.lastRequestTimestamp ?? nowSeconds();
  const history = runner.history();
  const entries = [...stats.sortedEntries(), total];
  const showDownload = options.showDownloadLink ?? true;

  const requests = table(
    ['Type', 'Name', '# Requests', '# Fails', 'Average (ms)', 'Min (ms)', 'Max (ms)', 'Average size (bytes)', 'RPS', 'Failures/s'],
    requestRows(entries, total),
    'No requests yet.',
  );
  const percentiles = table(
    ['Type', 'Name', ...PERCENTILES_TO_REPORT.map(readablePercentile)],
    entries.map((e) => [esc(e.method ?? ''), esc(e.name), ...PERCENTILES_TO_REPORT.map((p) => (e.numRequests ? responseTimePercentile(e, p) : 'N/A'))]),
    'No requests yet.',
  );
  const failures = table(
    ['Method', 'Name', 'Error', 'Occurrences'],
    sortedErrors(stats).map((e) => [esc(e.method), esc(e.name), esc(parseError(e.error)), e.occurrences]),
    'No failures.',
  );
  const exceptions = table(
    ['Count', 'Message', 'Traceback', 'Nodes'],
    runner.exceptions().map((e) => [e.count, esc(e.msg), `<pre>${esc(e.traceback)}</pre>`, esc(e.nodes.join(', '))]),
    'No exceptions.',
  );
  const ratios = tasksJson(runner).total;
  const tasks = table(
    ['User class', 'Share of users', 'Task', 'Share of all tasks'],
    Object.entries(ratios).flatMap(([cls, r]) =>
      Object.entries(r.tasks).map(([task, t]) => [esc(cls), `${num(r.ratio * 100, 1)}%`, esc(task), `${num(t.ratio * 100, 1)}%`]),
    ),
    'No running users.',
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Test Report for ${esc(basename(runner.locustfile))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Locust Test Report</h1>
<div class="meta">
<p><b>During:</b> ${esc(formatUtcTimestamp(start))} - ${esc(formatUtcTimestamp(end))} (${esc(formatDuration(start, end))})</p>
<p><b>Target Host:</b> ${esc(runner.host ?? '')}</p>
<p><b>Script:</b> ${esc(basename(runner.locustfile))}</p>
${showDownload ? '<p><a href="?download=1">Download the Report</a></p>' : ''}
</div>
<h2>Request Statistics</h2>
${requests}
<h2>Response Time Statistics</h2>
${percentiles}
<h2>Failures Statistics</h2>
${failures}
<h2>Exceptions Statistics</h2>
${exceptions}
<h2>Charts</h2>
${charts(history)}
${options.scaleSection ?? ''}
<h2>Final ratio</h2>
${tasks}
</body>
</html>
`;
}
