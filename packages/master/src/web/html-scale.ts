/**
 * The HTML report's Scaling section (`--watch-scale`): the target's ready replicas overlaid on
 * the requests/s over the same time axis, CPU against its target, the figures, the assertions and
 * the scale events. Inline SVG like the rest of the report.
 */
import type { ScaleRecorder } from '../scale/recorder.js';
import { assertionLines, figureLines } from '../scale/summary.js';
import { formatUtcTimestamp } from './format.js';
import { esc, svgLineChart, table } from './html-report.js';

/** Replicas drawn on the RPS chart are multiplied by this (shown in the legend), so both read on one axis. */
function overlayFactor(maxRps: number, maxReplicas: number): number {
  if (maxRps <= 0 || maxReplicas <= 0) return 1;
  const raw = maxRps / maxReplicas;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((f) => f >= raw * 0.5) ?? raw;
}

export function renderScaleSection(recorder: ScaleRecorder): string {
  const samples = recorder.samples;
  const times = samples.map((s) => s.time);
  const rps = samples.map((s) => s.rps);
  const ready = samples.map((s) => s.readyReplicas ?? 0);
  const desired = samples.map((s) => s.hpaDesiredReplicas ?? s.desiredReplicas ?? 0);
  const k = overlayFactor(Math.max(0, ...rps), Math.max(0, ...desired, ...ready));
  const suffix = k === 1 ? '' : ` ×${k}`;
  const now = Date.now() / 1000;
  const events = table(
    ['Time', 'Type', 'Reason', 'Object', 'Message'],
    recorder.events.map((e) => [esc(formatUtcTimestamp(e.time)), esc(e.type), esc(e.reason), esc(e.object), esc(e.message)]),
    'No scale events.',
  );
  const lines = [...figureLines(recorder.figures(now), recorder, now), ...assertionLines(recorder.results(true, now))];
  return `<h2>Scaling: deployment ${esc(recorder.deployment)} (namespace ${esc(recorder.namespace)})</h2>
${svgLineChart('Requests/s and replicas', times, [
  { name: 'RPS', color: '#00ca5a', values: rps },
  { name: `Ready replicas${suffix}`, color: '#0099ff', values: ready.map((r) => r * k) },
  { name: `Desired replicas${suffix}`, color: '#ff9f00', values: desired.map((r) => r * k) },
])}
${svgLineChart('CPU utilisation (% of requests)', times, [
  { name: 'CPU', color: '#9966cc', values: samples.map((s) => s.cpuUtilization ?? 0) },
  { name: 'Target', color: '#ff6d6d', values: samples.map((s) => s.cpuTarget ?? 0) },
])}
<pre>${esc(lines.join('\n'))}</pre>
${recorder.warnings.length ? `<p>${recorder.warnings.map(esc).join('<br>')}</p>` : ''}
${events}`;
}
