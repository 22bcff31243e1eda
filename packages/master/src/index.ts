/**
 * @locust-ts/master: a Locust master that real Python Locust workers (2.12.1 and the newest) and
 * locust-ts workers connect to. `runMaster(options)` is what the CLI calls.
 */
export { runMaster, MasterStartError, type MasterOptions, type MasterHandle } from './run-master.js';
export {
  MasterRunner,
  type MasterRunnerOptions,
  type CustomMessageHandler,
  type UnknownUserClass,
  DEFAULT_REPORT_WAIT_AFTER_RAMP,
} from './runner/master-runner.js';
export { WorkerNode, WorkerRegistry, WORKER_STATE } from './runner/worker-registry.js';
export { ShapeDriver, SHAPE_TICK_INTERVAL_SECONDS, shapeName } from './runner/shape-driver.js';
export * from './shapes/index.js';
export { UserClassUpdateError } from './runner/user-class-update.js';
export type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
export * from './dispatch/index.js';
export * from './user-classes/index.js';
export { MasterLogger, type LogLevel, type TextSink } from './log/master-logger.js';
export { statsSummary, percentileSummary, errorReport, statsNameWidth } from './report/console-stats.js';
export {
  StatsCsvFileWriter,
  requestsCsv,
  failuresCsv,
  exceptionsCsv,
  statsHistoryRows,
  REQUESTS_CSV_COLUMNS,
  FAILURES_CSV_COLUMNS,
  EXCEPTIONS_CSV_COLUMNS,
  STATS_HISTORY_CSV_COLUMNS,
} from './report/csv-files.js';
export { responseTimePercentile, currentResponseTimePercentile } from './report/percentiles.js';
export type {
  MasterRunnerView,
  MasterState,
  WorkerView,
  ExceptionView,
  HistoryPoint,
  IntendedLoad,
  SwarmRequest,
  UserClassUpdate,
} from './runner/runner-view.js';
// the web layer's report renderer (no server needed): the CLI writes `--html` files with it
export { renderHtmlReport, reportTemplateArgs, processHtmlFilename, type HtmlReportOptions } from './web/html-report.js';
// the scale watch (--watch-scale): the CLI gives it a Kubernetes source (@locust-ts/kube-watch)
export * from './scale/index.js';
