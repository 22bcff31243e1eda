/**
 * The scale watch as one JSON value for a report (Locust's HTML report template takes its data as
 * JSON): the timeline for the replicas-over-RPS overlay, the figures, the final verdict of each
 * assertion and the summary lines the console printed. Only plain data: the report draws it.
 */
import type { ScaleRecorder, ScaleView } from './recorder.js';
import { assertionLines, figureLines } from './summary.js';

export interface ScaleReportPayload extends ScaleView {
  /** the console's end-of-run lines (figures, then PASS/FAIL per assertion) */
  summary: string[];
}

/** `final`: judge open assertions as the end of the run does (a report is written at the end). */
export function scaleReportPayload(recorder: ScaleRecorder, final = true, now = Date.now() / 1000): ScaleReportPayload {
  const view = recorder.view();
  const figures = recorder.figures(now);
  const assertions = recorder.results(final, now);
  return { ...view, figures, assertions, summary: [...figureLines(figures, recorder, now), ...assertionLines(assertions)] };
}
