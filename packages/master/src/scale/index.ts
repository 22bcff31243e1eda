/** The scale watch (`--watch-scale`): timeline, figures, assertions, CSV and summary lines. */
export type * from './source.js';
export { ScaleRecorder, DISABLED_SCALE_VIEW, SCALE_SAMPLE_INTERVAL_SECONDS, type ScaleView, type RunSource, type RunEvents, type ScaleLog } from './recorder.js';
export { parseScaleAssertion, judge, ScaleAssertionSyntaxError, ASSERT_FIELDS, type ScaleAssertion, type AssertionResult } from './assertions.js';
export { computeFigures, type ScaleFigures, type PhaseFigures, type PhaseSource } from './figures.js';
export { WindowStats } from './window-stats.js';
export type { ScaleSample, RunReading } from './sample.js';
export { SCALE_CSV_COLUMNS, scaleCsvRow, writeScaleCsv, figureLines, assertionLines } from './summary.js';
export { ScaleSession, EXIT_SCALE_ASSERTION_FAILED, type ScaleWatchOptions } from './session.js';
export { scaleReportPayload, type ScaleReportPayload } from './report-payload.js';
