/**
 * pnpm kube pulse --shape SPEC [--assert-scale EXPR ...]: starts a run through the master's REST
 * API, prints one line per second (load, the target's replicas and HPA CPU, new events), ends
 * with the scale figures, writes the CSVs here, and exits as the master would: 1 if a request
 * failed, 3 if a scale assertion did not hold, else 0.
 */
import { writeFileSync } from 'node:fs';
import { connect } from '../commands.js';
import { DeployError } from '../errors.js';
import { TARGET_DEPLOYMENT } from '../constants.js';
import type { TargetOptions } from '../kubeconfig.js';
import type { Print } from '../rollout.js';
import { MasterApi, type MasterStats, type ScaleReport } from './master-api.js';
import { masterEndpoint } from './master-url.js';
import { fallbackSwarm } from './fallback.js';
import { evaluate, parseAssertion, type AssertionResult } from './assertions.js';
import { ClusterScaleReader, eventLine, figures, fromScaleReport, liveLine, masterFields, timelineCsv, type PulseSample } from './timeline.js';
import { nowSeconds } from '@locust-ts/protocol';

export interface PulseOptions extends TargetOptions {
  readonly shape: string;
  readonly assertScale: readonly string[];
  readonly url?: string;
  readonly webAuth?: string;
  readonly csv: string;
  /** Seconds before the pulse is given up (default: the shape's length plus a margin). */
  readonly timeoutS?: number;
}

export const EXIT_FAILURES = 1;
export const EXIT_ASSERTION = 3;
const SAMPLE_INTERVAL_MS = 1_000;
/** Beyond the shape's own length: spawning, the last stats report, the stop. */
const TIMEOUT_MARGIN_S = 120;
const RUNNING_STATES = new Set(['spawning', 'running']);
/**
 * Workers report stats every 3 s (Locust's interval): requests in flight at the stop reach the
 * master after it says "stopped". The totals count once they held still this long.
 */
const SETTLE_QUIET_MS = 4_000;
const SETTLE_MAX_MS = 12_000;

export async function pulse(options: PulseOptions, print: Print): Promise<number> {
  const fallback = fallbackSwarm(options.shape); // also checks the spec's form before anything starts
  const assertions = options.assertScale.map((expr) => parseAssertion(expr));
  const { target, cluster } = connect(options, print);
  const endpoint = await masterEndpoint(cluster, target, options.url, print);
  const stopSignal = new AbortController();
  const onSigint = (): void => stopSignal.abort();
  process.once('SIGINT', onSigint);
  try {
    const master = new MasterApi(endpoint.url, options.webAuth);
    print(`master ${endpoint.url}`);
    const before = await master.stats();
    if (RUNNING_STATES.has(before.state)) throw new DeployError(`the master is already ${before.state}: stop that run first (GET ${endpoint.url}/stop)`);
    const startedAt = nowSeconds();
    const mode = await master.startSwarm(options.shape, {
      user_count: String(fallback.userCount),
      spawn_rate: String(fallback.spawnRate),
      run_time: `${fallback.runTimeS}s`,
    });
    print(
      mode === 'shape'
        ? `started shape ${options.shape}`
        : `the master has no built-in shapes (POST /swarm shape): running ${fallback.userCount} users at ${fallback.spawnRate}/s for ${fallback.runTimeS}s instead`,
    );
    const reader = new ClusterScaleReader(cluster, TARGET_DEPLOYMENT, startedAt);
    const deadline = startedAt + (options.timeoutS ?? fallback.runTimeS + TIMEOUT_MARGIN_S);
    const samples: PulseSample[] = [];
    let scale: ScaleReport | undefined;
    let seenRunning = false;
    let stoppedAt: number | null = null;
    let lastEvent = 0;
    for (;;) {
      const stats = await master.stats();
      scale = await master.scale();
      const now = nowSeconds();
      const sample: PulseSample = { time: now, ...masterFields(stats), ...(scale ? emptyScale() : await reader.read()), ...(scale ? fromScaleReport(scale) : {}) };
      samples.push(sample);
      print(liveLine(sample, startedAt, TARGET_DEPLOYMENT));
      const events = scale
        ? scale.events.filter((e) => e.time > lastEvent).map((e) => eventLine(e.object.split('/')[0] ?? '', e.object.split('/')[1] ?? e.object, e.reason, e.message))
        : await reader.newEvents();
      if (scale?.events.length) lastEvent = Math.max(lastEvent, ...scale.events.map((e) => e.time));
      for (const line of events) print(line);
      seenRunning ||= RUNNING_STATES.has(stats.state);
      if (seenRunning && !RUNNING_STATES.has(stats.state)) {
        stoppedAt = now;
        break;
      }
      if (stopSignal.signal.aborted || now >= deadline) {
        await master.stop();
        print(stopSignal.signal.aborted ? 'interrupted: stopped the run' : `the run did not end within ${Math.round(deadline - startedAt)}s: stopped it`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    }
    const final = await settled(master);
    samples.push({ ...samples[samples.length - 1], time: nowSeconds(), ...masterFields(final) });
    for (const line of figures(samples, startedAt)) print(line);
    await writeCsvs(master, options.csv, samples, print);
    const results: AssertionResult[] = scale && options.assertScale.length === 0 ? scale.assertions.map(fromMaster) : assertions.map((a) => evaluate(a, samples, startedAt, stoppedAt));
    for (const r of results) print(`assert ${r.expr}: ${r.passed ? 'passed' : 'FAILED'} (measured ${r.measured ?? 'nothing'})`);
    if (final.failures > 0) return EXIT_FAILURES;
    return results.every((r) => r.passed) ? 0 : EXIT_ASSERTION;
  } finally {
    process.off('SIGINT', onSigint);
    endpoint.close();
  }
}

/** The master's stats once the workers' last reports are in (bounded: a gone worker never reports). */
async function settled(master: MasterApi): Promise<MasterStats> {
  const started = Date.now();
  let last = await master.stats();
  let quietSince = Date.now();
  while (Date.now() - quietSince < SETTLE_QUIET_MS && Date.now() - started < SETTLE_MAX_MS) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    const next = await master.stats();
    if (next.requests !== last.requests || next.failures !== last.failures) quietSince = Date.now();
    last = next;
  }
  return last;
}

function emptyScale(): Pick<PulseSample, 'desiredReplicas' | 'readyReplicas' | 'hpaCurrentReplicas' | 'hpaDesiredReplicas' | 'cpuUtilization' | 'cpuTarget'> {
  return { desiredReplicas: null, readyReplicas: null, hpaCurrentReplicas: null, hpaDesiredReplicas: null, cpuUtilization: null, cpuTarget: null };
}

function fromMaster(a: ScaleReport['assertions'][number]): AssertionResult {
  return { expr: a.expr, passed: a.passed, measured: typeof a.measured === 'string' || typeof a.measured === 'number' ? a.measured : null };
}

/** The master's CSVs as Locust names them, plus this pulse's per-second timeline. */
async function writeCsvs(master: MasterApi, prefix: string, samples: readonly PulseSample[], print: Print): Promise<void> {
  const files: [string, string][] = [
    [`${prefix}_stats.csv`, await master.text('/stats/requests/csv')],
    [`${prefix}_failures.csv`, await master.text('/stats/failures/csv')],
    [`${prefix}_exceptions.csv`, await master.text('/exceptions/csv')],
    [`${prefix}_timeline.csv`, timelineCsv(samples)],
  ];
  for (const [file, text] of files) {
    try {
      writeFileSync(file, text);
    } catch (error) {
      throw new DeployError(`cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  print(`wrote ${files.map(([f]) => f).join(', ')}`);
}
