/** The scale watch's end-of-run lines (console summary), and the `PREFIX_scale.csv` file. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { csvRow } from '../report/csv-files.js';
import { pyFloat } from '../report/py-format.js';
import type { AssertionResult } from './assertions.js';
import type { ScaleFigures } from './figures.js';
import type { ScaleRecorder } from './recorder.js';
import type { ScaleSample } from './sample.js';

export const SCALE_CSV_COLUMNS = [
  'Timestamp', 'User Count', 'Requests/s', 'Desired Replicas', 'Current Replicas', 'Ready Replicas',
  'HPA Desired Replicas', 'CPU Utilization %', 'Pending Pods',
];

function na(v: number | null): string | number {
  return v === null ? 'N/A' : v;
}

export function scaleCsvRow(s: ScaleSample): string {
  return csvRow([
    Math.floor(s.time), s.userCount, pyFloat(s.rps), na(s.desiredReplicas), na(s.currentReplicas), na(s.readyReplicas),
    na(s.hpaDesiredReplicas), na(s.cpuUtilization), na(s.pendingPods),
  ]);
}

/** `--csv PREFIX`: PREFIX_scale.csv, a row per one-second sample, appended as they are taken. */
export function writeScaleCsv(recorder: ScaleRecorder, prefix: string): string {
  const file = `${prefix}_scale.csv`;
  writeFileSync(file, csvRow(SCALE_CSV_COLUMNS));
  recorder.onSample((s) => appendFileSync(file, scaleCsvRow(s)));
  return file;
}

function secs(v: number | null): string {
  if (v === null) return 'not seen';
  return v >= 120 ? `${Math.floor(v / 60)}m${(v % 60).toFixed(0)}s` : `${v.toFixed(1)}s`;
}

function ms(v: number | null): string {
  return v === null ? 'n/a' : `${v} ms`;
}

function pct(v: number | null): string {
  return v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`;
}

export function figureLines(f: ScaleFigures, recorder: ScaleRecorder, now = Date.now() / 1000): string[] {
  const lines = [`Scale watch: deployment ${recorder.deployment} (namespace ${recorder.namespace}): ${recorder.samples.length} samples, ${recorder.events.length} events, ${recorder.warnings.length} warnings`];
  if (f.anchor === null) return [...lines, '  the test never started'];
  lines.push(
    `  from ${f.anchorKind}: HPA scale-up decision ${secs(f.scaleUpDecisionSeconds)}, new pods Ready ${secs(f.newPodsReadySeconds)}; ` +
      `replicas ${f.baselineReplicas ?? 'N/A'} -> peak ${f.peakReplicas ?? 'N/A'} (${f.peakReadyReplicas ?? 'N/A'} ready)`,
    `  p95 before / during / after scale-up: ${ms(f.before.p95)} / ${ms(f.during.p95)} / ${ms(f.after.p95)}; ` +
      `failure ratio ${pct(f.before.failRatio)} / ${pct(f.during.failRatio)} / ${pct(f.after.failRatio)}`,
  );
  if (f.scaleDownSeconds !== null) lines.push(`  scale-down after the load ended: ${secs(f.scaleDownSeconds)}`);
  else if (f.loadStopped !== null) lines.push(`  scale-down after the load ended: not seen in the ${secs(now - f.loadStopped)} watched`);
  return lines;
}

export function assertionLines(results: readonly AssertionResult[]): string[] {
  return results.map((r) => `${r.passed ? 'PASS' : 'FAIL'} --assert-scale '${r.expr}': ${r.measured}`);
}
