/**
 * The HTML report (`/stats/report`, `--html FILE`) as the newest Locust makes it (locust/html.py):
 * the report page of Locust's React UI (packages/webui builds `report.html` as one file with the
 * bundle inlined) with `window.templateArgs` holding the run's numbers and `is_report: true`. Our
 * template args add the synchronized edges and the scale watch, which the page shows as sections.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { responseTimePercentile } from '../report/percentiles.js';
import { sortedErrors } from '../report/stats-errors.js';
import type { ScaleRecorder } from '../scale/recorder.js';
import { scaleReportPayload } from '../scale/report-payload.js';
import { formatDuration, formatUtcTimestamp } from './format.js';
import type { MasterRunnerView } from '../runner/runner-view.js';
import { PERCENTILES_TO_CHART, exceptionsJson, statsEntryJson, statsErrorJson, tasksJson } from './stats-json.js';
import { historyJson, inlineScriptJson } from './template-args.js';

export interface HtmlReportOptions {
  /** false when the report is itself the download (`?download=1`), as Locust does */
  showDownloadLink?: boolean;
  /** `--watch-scale`: the report gets a Scaling section */
  scale?: ScaleRecorder | null;
  /** `?theme=dark`, as Locust's report route */
  theme?: string;
}

/** Locust's `PERCENTILES_FOR_HTML_REPORT`, keyed as Python's `str(percentile)` writes them. */
const PERCENTILES_FOR_HTML_REPORT: ReadonlyArray<[number, string]> = [
  [0.5, '0.5'], [0.6, '0.6'], [0.7, '0.7'], [0.8, '0.8'], [0.9, '0.9'], [0.95, '0.95'], [0.99, '0.99'], [1.0, '1.0'],
];

/** The report's `template_args` (locust/html.py `get_html_report`), plus `edges` and `scale`. */
export function reportTemplateArgs(runner: MasterRunnerView, options: HtmlReportOptions = {}): Record<string, unknown> {
  const stats = runner.stats;
  const total = stats.total;
  const start = runner.startTime ?? total.startTime;
  const end = total.lastRequestTimestamp ?? start;
  const entries = [...stats.sortedEntries(), total];
  return {
    is_report: true,
    requests_statistics: entries.map((e) => statsEntryJson(e, total)),
    failures_statistics: sortedErrors(stats).map(statsErrorJson),
    exceptions_statistics: exceptionsJson(runner.exceptions()).exceptions,
    response_time_statistics: entries.map((e) => ({
      name: e.name,
      method: e.method ?? '',
      ...Object.fromEntries(PERCENTILES_FOR_HTML_REPORT.map(([p, key]) => [key, responseTimePercentile(e, p)])),
    })),
    start_time: formatUtcTimestamp(start),
    end_time: formatUtcTimestamp(end),
    duration: formatDuration(start, end),
    host: String(runner.host ?? 'None'),
    history: runner.history().map(historyJson),
    show_download_link: options.showDownloadLink ?? true,
    locustfile: basename(runner.locustfile),
    // Locust's report: the users of the stopped test (`final_user_classes_count`), else the running ones
    tasks: tasksJson(runner, runner.state === 'stopped' || runner.state === 'stopping' ? runner.finalUserClassesCount?.() : undefined),
    percentiles_to_chart: [...PERCENTILES_TO_CHART],
    profile: null,
    // locust-ts
    edges: runner.edges?.() ?? null,
    // the run's final verdicts and the console's summary lines, as the end of the run judged them
    scale: options.scale ? scaleReportPayload(options.scale) : null,
  };
}

/**
 * `--html` placeholders (locust/html.py `process_html_filename`): `{u}` users, `{r}` spawn rate,
 * `{t}` run time in seconds, each as Python's `int()`; a placeholder whose option is unset stays.
 */
export function processHtmlFilename(template: string, options: { users: number | null; spawnRate: number | null; runTime: number | null }): string {
  const values: Array<[string, number | null]> = [['{u}', options.users], ['{r}', options.spawnRate], ['{t}', options.runTime]];
  let name = template;
  for (const [term, value] of values) if (value !== null) name = name.replaceAll(term, String(Math.trunc(value)));
  return name;
}

let reportPage: Promise<string> | null = null;

/** The built report page (read once; built first if the UI build is missing or stale). */
function reportTemplate(): Promise<string> {
  reportPage ??= ensureWebUiBuilt(() => {}).then((dist) => readFile(join(dist, 'report.html'), 'utf8'));
  return reportPage;
}

/** The report as one self-contained HTML document (no request leaves the file when it is opened). */
export async function renderHtmlReport(runner: MasterRunnerView, options: HtmlReportOptions = {}): Promise<string> {
  const page = await reportTemplate();
  const args = reportTemplateArgs(runner, options);
  const theme = options.theme === 'dark' ? 'dark' : 'light';
  const script = `<script>\n      window.templateArgs = ${inlineScriptJson(args)};\n      window.theme = "${theme}";\n    </script>`;
  return page.replace('<!--locust-ts:template-args-->', () => script);
}
