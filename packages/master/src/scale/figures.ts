/**
 * The figures a pulse is judged by, from the timeline: how long from the first edge (or test
 * start) until the HPA decided to scale up and until the new pods were Ready, the peak, what users
 * felt before / during / after, and how long the scale-down took once the load ended.
 */
import type { ScaleSample } from './sample.js';
import { EMPTY_PHASE, type PhaseFigures, type PhaseSource } from './window-stats.js';

export type { PhaseFigures, PhaseSource } from './window-stats.js';

export interface ScaleFigures {
  /** epoch s the figures count from: first edge, else test start */
  anchor: number | null;
  anchorKind: 'edge' | 'test start' | null;
  /** replicas (HPA desired, else Deployment desired) at the anchor */
  baselineReplicas: number | null;
  /** seconds from the anchor to the first scale-up decision */
  scaleUpDecisionSeconds: number | null;
  /** seconds from the anchor until Ready replicas reached the decided size */
  newPodsReadySeconds: number | null;
  peakReplicas: number | null;
  peakReadyReplicas: number | null;
  before: PhaseFigures;
  during: PhaseFigures;
  after: PhaseFigures;
  /** epoch s the load stopped, null while it runs */
  loadStopped: number | null;
  /** seconds from the load's stop until desired replicas were back at the baseline; null if not (yet) */
  scaleDownSeconds: number | null;
}

function decided(s: ScaleSample): number | null {
  return s.hpaDesiredReplicas ?? s.desiredReplicas;
}

export function computeFigures(
  samples: readonly ScaleSample[],
  anchor: { time: number; kind: 'edge' | 'test start' } | null,
  loadStopped: number | null,
  now: number,
  windows: PhaseSource,
): ScaleFigures {
  const empty = EMPTY_PHASE;
  const figures: ScaleFigures = {
    anchor: anchor?.time ?? null,
    anchorKind: anchor?.kind ?? null,
    baselineReplicas: null,
    scaleUpDecisionSeconds: null,
    newPodsReadySeconds: null,
    peakReplicas: null,
    peakReadyReplicas: null,
    before: empty,
    during: empty,
    after: empty,
    loadStopped,
    scaleDownSeconds: null,
  };
  if (!anchor) return figures;
  const inRun = samples.filter((s) => s.time >= anchor.time - 1e-3);
  // the baseline is what the target ran with when the load began
  const atAnchor = [...samples].reverse().find((s) => s.time <= anchor.time + 1e-3 && decided(s) !== null) ?? inRun.find((s) => decided(s) !== null);
  const baseline = atAnchor ? decided(atAnchor) : null;
  figures.baselineReplicas = baseline;
  for (const s of inRun) {
    const d = decided(s);
    if (d !== null) figures.peakReplicas = Math.max(figures.peakReplicas ?? 0, d);
    if (s.readyReplicas !== null) figures.peakReadyReplicas = Math.max(figures.peakReadyReplicas ?? 0, s.readyReplicas);
  }
  const end = loadStopped ?? now;
  if (baseline === null) {
    figures.before = windows.phase(anchor.time, end);
    return figures;
  }
  const decision = inRun.find((s) => (decided(s) ?? 0) > baseline);
  let readyAt: number | null = null;
  if (decision) {
    figures.scaleUpDecisionSeconds = decision.time - anchor.time;
    const size = decided(decision)!;
    const ready = inRun.find((s) => s.time >= decision.time && (s.readyReplicas ?? 0) >= size);
    if (ready) {
      readyAt = ready.time;
      figures.newPodsReadySeconds = ready.time - anchor.time;
    }
  }
  const decisionAt = decision?.time ?? end;
  figures.before = windows.phase(anchor.time, Math.min(decisionAt, end));
  figures.during = decision ? windows.phase(decisionAt, Math.min(readyAt ?? end, end)) : empty;
  figures.after = readyAt !== null && readyAt < end ? windows.phase(readyAt, end) : empty;
  if (loadStopped !== null) {
    // back to the baseline after a scale-up; without one, any step down from the size at the stop
    const atStop = [...samples].reverse().find((s) => s.time <= loadStopped && s.desiredReplicas !== null)?.desiredReplicas ?? null;
    const down = samples.find(
      (s) => s.time >= loadStopped && s.desiredReplicas !== null && (decision ? s.desiredReplicas <= baseline : atStop !== null && s.desiredReplicas < atStop),
    );
    if (down) figures.scaleDownSeconds = down.time - loadStopped;
  }
  return figures;
}
