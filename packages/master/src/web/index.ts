/** The master's web UI and REST API (spec §8): what the CLI and `pnpm dev` use. */
export { createWebApp, startWebUi, normalizeBasePath } from './server.js';
export { renderHtmlReport, reportTemplateArgs, processHtmlFilename, type HtmlReportOptions } from './html-report.js';
// the CSV downloads are the `--csv` writers of report/ (one writer per file)
export { requestsCsv, failuresCsv, exceptionsCsv } from '../report/csv-files.js';
export { parseWebAuth, WebAuthFormatError } from './auth.js';
export type { WebUiOptions, WebUiHandle } from './options.js';
export type * from '../runner/runner-view.js';
