/**
 * deploy/manifests/pulse-job under podman: the target and workers from the base, the headless
 * master Job with its own args (a square pulse, --watch-scale on the target's Deployment through
 * its service account, --assert-scale) — its exit code is the verdict, as `kubectl wait` reads it
 * in a cluster. The Kubernetes API is the test's stand-in (test/k8s/api) on the bridge's gateway,
 * its token mounted where the kubelet mounts it; the HPA's decisions come from hpa.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePki } from '../../k8s/api/pki.js';
import { ScaleScenario } from '../../k8s/api/scale-scenario.js';
import { KubeApiServer } from '../../k8s/api/server.js';
import { HpaStandIn } from './hpa.js';
import { type PlayPod, kustomize, toPlayable } from './render.js';
import { addressOf, containerName, inspect, logs, play, podman, until } from './podman.js';

type Json = Record<string, any>;
/** The built-in controller stays out: only the HPA stand-in moves the target. */
const NO_CONTROLLER_TICKS = 3_600_000;
/** Hang guard for the whole Job (its activeDeadlineSeconds is 900; the pulse takes ~4 min). */
const JOB_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 90_000;

export interface Report {
  pass(what: string): void;
  fail(what: string): void;
  log(what: string): void;
}

export interface JobResult {
  exitCode: number;
  /** the Job's console output */
  output: string;
  /** `/tmp/pulse_stats.csv` from the Job pod's emptyDir */
  statsCsv: string;
  decisions: HpaStandIn['decisions'];
  /** the target pod's /metrics when the Job had finished */
  targetMetrics: string;
  /** TARGET_CPU_MS from the rendered target container */
  targetCpuMs: number;
}

async function gatewayOf(network: string): Promise<string> {
  const [net] = JSON.parse(await podman(['network', 'inspect', network])) as Json[];
  const gateway = net!.subnets?.[0]?.gateway as string | undefined;
  if (!gateway) throw new Error(`network ${network} has no gateway`);
  return gateway;
}

export async function runPulseJob(runId: string, work: string, network: string, report: Report, waitReady: (p: PlayPod, ip: string) => Promise<void>): Promise<JobResult> {
  const gateway = await gatewayOf(network);
  const pki = makePki([gateway]);
  const token = randomBytes(24).toString('hex');
  // every address of this run's namespace: the bridge (and its gateway address) exists only while a pod runs on it
  const api = await KubeApiServer.start({ pki, host: '0.0.0.0', tokens: { [token]: 'system:serviceaccount:default:locust-master' }, tickMs: NO_CONTROLLER_TICKS });
  let hpa: HpaStandIn | undefined;
  try {
    const saDir = join(work, 'serviceaccount');
    mkdirSync(saDir, { recursive: true });
    writeFileSync(join(saDir, 'token'), token, { mode: 0o444 });
    writeFileSync(join(saDir, 'ca.crt'), pki.caCert, { mode: 0o444 });
    writeFileSync(join(saDir, 'namespace'), 'default', { mode: 0o444 });
    const objects = kustomize('deploy/manifests/pulse-job');
    const rendered = toPlayable(objects, join(work, 'job-pods'), `${runId}-job`, { host: gateway, port: Number(new URL(api.url).port), dir: saDir });
    report.log(`rendered deploy/manifests/pulse-job: ${rendered.pods.map((p) => p.pod.metadata.name).join(', ')} played; API stand-in at https://${gateway}:${new URL(api.url).port}`);
    const from = (w: string) => rendered.pods.filter((p) => p.from === w);
    const [target] = from('Deployment/fastapi-deployment');
    const [job] = from('Job/locust-pulse');
    const workers = from('Deployment/locust-worker');
    if (!target || !job || workers.length === 0) throw new Error('pulse-job no longer renders a target, the Job and workers');
    const hpaObject = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === 'fastapi-deployment');
    if (!hpaObject) throw new Error('pulse-job no longer renders the target\'s HPA');
    const scenario = new ScaleScenario(api, { deployment: 'fastapi-deployment', cpuTarget: hpaObject.spec.metrics[0].resource.target.averageUtilization }).install();

    const dir = join(work, 'job-pods');
    await play(target, network, dir);
    const targetIp = await addressOf(target, network);
    await waitReady(target, targetIp);
    const cpuRequest = parseCpu(target.pod.spec.containers[0].resources.requests.cpu);
    hpa = new HpaStandIn(scenario, hpaObject, cpuRequest, `http://${targetIp}:8000/metrics`);
    hpa.start();
    await play(job, network, dir);
    const jobIp = await addressOf(job, network);
    await waitReady(job, jobIp);
    for (const w of workers) await play(w, network, dir);
    const name = containerName(job);
    await until(async () => (await inspect(name)).State.Status === 'exited', JOB_TIMEOUT_MS, 'the pulse Job to finish', 1000);
    const exitCode = (await inspect(name)).State.ExitCode as number;
    const output = await logs(name);
    const csv = join(dir, job.pod.metadata.name, 'emptydir', 'tmp', 'pulse_stats.csv');
    const targetMetrics = await (await fetch(`http://${targetIp}:8000/metrics`)).text();
    return { exitCode, output, statsCsv: existsSync(csv) ? readFileSync(csv, 'utf8') : '', decisions: hpa.decisions, targetMetrics,
      targetCpuMs: Number(target.pod.spec.containers[0].env.find((e: Json) => e.name === 'TARGET_CPU_MS').value) };
  } finally {
    hpa?.stop();
    await api.close();
    pki.dispose();
  }
}

/** A CPU quantity (`250m`, `1`) in cores. */
function parseCpu(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}
