/**
 * `pnpm kube pulse` against a real locust-ts master and 2 workers (through the master's REST API,
 * found as the stand-in cluster's NodePort) while the target's Deployment scales in the stand-in:
 * one line per second, the scaling events, the closing figures, CSVs that match what the master
 * itself reports, and the exit code as the verdict.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { chmodSync, writeFileSync } from 'node:fs';
import { LOCUST_TS_BIN, cleanEnv, startProcess } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { freeNodePort, freePort } from '@locust-ts/test-support/ports';
import { REPO_ROOT, run, startTestCluster, type TestCluster } from './api/harness.js';

const runs = useBinRuns('k8s-pulse-');
let cluster: TestCluster;
let masterUrl = '';
const KUBE_TOOL = join(REPO_ROOT, 'deploy/bin/kube.mjs');
/** Guards against a hung run only; the pulses below last about 10 s and 3 s. */
const PULSE_TIMEOUT_MS = 120_000;

type Json = Record<string, any>; // rendered manifests

beforeAll(async () => {
  // The node's address is this machine, so the Service's NodePort is the master's own web port.
  cluster = await startTestCluster({ nodeAddress: '127.0.0.1' });
  const [webPort, masterPort] = await Promise.all([freeNodePort(), freePort()]);
  const common = ['-f', join(REPO_ROOT, 'deploy/manifests/base/locustfile.ts')];
  const master = startProcess(process.execPath, [LOCUST_TS_BIN, ...common, '--master', '-H', runs.targetUrl,
    '--web-host', '127.0.0.1', '--web-port', String(webPort), '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort)]);
  await master.waitFor(/Starting web interface/, 60_000);
  for (let i = 0; i < 2; i++) startProcess(process.execPath, [LOCUST_TS_BIN, ...common, '--worker', '--master-port', String(masterPort)]);
  masterUrl = `http://127.0.0.1:${webPort}`;

  // The objects the pulse reads: the master's Service (nodePort = the web port), the target and its HPA.
  const { stdout } = await run('/usr/bin/kubectl', ['kustomize', join(REPO_ROOT, 'deploy/manifests/base')], { PATH: process.env.PATH, KUBECONFIG: '/dev/null' });
  const objects = parseAllDocuments(stdout).map((d) => d.toJS() as Json);
  const pick = (kind: string, name: string): Json => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
  const service = pick('Service', 'locust-master');
  service.spec.ports.find((p: Json) => p.name === 'http').nodePort = webPort;
  const file = join(cluster.dir, 'pulse-objects.yaml');
  writeFileSync(file, [service, pick('Deployment', 'fastapi-deployment'), pick('HorizontalPodAutoscaler', 'fastapi-deployment')].map((o) => stringify(o)).join('---\n'));
  const applied = await cluster.kubectl(['apply', '--server-side', '--validate=false', '-f', file]);
  expect(applied.stderr).toBe('');
  // Both workers attached and the target rolled out (1 ready) before any pulse starts.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const stats = (await (await fetch(`${masterUrl}/stats/requests`)).json()) as Json;
    const ready = await cluster.kubectl(['get', 'deploy', 'fastapi-deployment', '-o', 'jsonpath={.status.readyReplicas}']);
    if (stats.worker_count === 2 && ready.stdout.trim() === '1') break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
});

function pulse(args: string[]) {
  const env = cleanEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cluster.dir, KUBECONFIG: cluster.kubeconfig });
  return startProcess(process.execPath, [KUBE_TOOL, 'pulse', ...args], { env, cwd: runs.scratch });
}

async function kubectl(args: string[]): Promise<string> {
  const result = await cluster.kubectl(args);
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

describe('pnpm kube pulse', { timeout: 180_000 }, () => {
  it('drives the master through its REST API, prints a line per second with the scaling, and ends with figures and CSVs', async () => {
    const csv = join(runs.scratch, 'first');
    const tool = pulse(['--shape', 'square:base=0,peak=4,on=7s,off=3s,cycles=1', '--assert-scale', 'ready>=2 within 60s', '--csv', csv]);
    await tool.waitFor(/^\+\d+s users /m, PULSE_TIMEOUT_MS);
    // The HPA's move, made by hand: the stand-in has no metrics pipeline.
    const scaled = await cluster.kubectl(['scale', 'deployment/fastapi-deployment', '--replicas=3']);
    expect(scaled.code).toBe(0);
    const code = await Promise.race([tool.exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(tool.output())), PULSE_TIMEOUT_MS))]);
    const out = tool.output();
    expect(code, out).toBe(0);

    expect(out).toContain(`master ${masterUrl}`);
    expect(out).toMatch(/^(started shape square:|the master has no built-in shapes \(POST \/swarm shape\): running 4 users at 4\/s for 10s instead)/m);
    const live = [...out.matchAll(/^\+(\d+)s users (\d+) rps [\d.]+ p95 \S+ failures 0 \| fastapi-deployment ready (\d+)\/(\d+), HPA cpu \S+ -> \S+$/gm)];
    expect(live.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...live.map((m) => Number(m[2])))).toBe(4);
    expect(live.at(-1)![3]).toBe(await kubectl(['get', 'deploy', 'fastapi-deployment', '-o', 'jsonpath={.status.readyReplicas}']));

    // The scaling event, once, as kubectl reads it.
    const messages = (await kubectl(['get', 'events', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'])).split('\n');
    const scaleUp = messages.find((m) => m.includes('to 3'))!;
    expect(out.split(`event deployment/fastapi-deployment ScalingReplicaSet: ${scaleUp}`).length - 1).toBe(1);

    expect(out).toMatch(/^pulse: \d+s, peak users 4, peak rps [\d.]+, max p95 \d+ms, failures 0$/m);
    expect(out).toMatch(/^scaling: ready replicas 1 -> max 3, 3 at the end; first scale-up \+\d+s after the first users; max HPA CPU \?$/m);
    expect(out).toMatch(/assert ready>=2 within 60s: passed \(measured [23] at \+\d+\.\ds\)/);

    // The CSVs are the master's own: their totals match its live JSON.
    const stats = (await (await fetch(`${masterUrl}/stats/requests`)).json()) as Json;
    const aggregated = stats.stats.find((r: Json) => r.name === 'Aggregated');
    const row = readFileSync(`${csv}_stats.csv`, 'utf8').split('\n').find((l) => l.startsWith(',Aggregated,'))!.split(',');
    expect(Number(row[2])).toBe(aggregated.num_requests);
    expect(aggregated.num_requests).toBeGreaterThan(0);
    expect(Number(row[3])).toBe(0);
    const timeline = readFileSync(`${csv}_timeline.csv`, 'utf8').trim().split('\n');
    expect(timeline[0]).toBe('time,userCount,rps,p95,failRatio,failures,desiredReplicas,readyReplicas,hpaCurrentReplicas,hpaDesiredReplicas,cpuUtilization,cpuTarget');
    expect(timeline.length).toBeGreaterThan(live.length);
    expect(out).toContain(`wrote ${csv}_stats.csv, ${csv}_failures.csv, ${csv}_exceptions.csv, ${csv}_timeline.csv`);
  });

  it('exits 3 when a scale assertion does not hold', async () => {
    const tool = pulse(['--shape', 'spike:base=0,peak=2,at=1s,hold=2s', '--assert-scale', 'ready>=9 within 60s', '--csv', join(runs.scratch, 'second')]);
    const code = await Promise.race([tool.exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(tool.output())), PULSE_TIMEOUT_MS))]);
    const replicas = await kubectl(['get', 'deploy', 'fastapi-deployment', '-o', 'jsonpath={.status.readyReplicas}']);
    expect(tool.output()).toContain(`assert ready>=9 within 60s: FAILED (measured max ${replicas} in the `);
    expect(code).toBe(3);
  });

  it("reaches the master through kubectl port-forward when the NodePort does not answer, with the tool's own kubeconfig", async () => {
    // A NodePort nothing listens on; kubectl is a stand-in that logs how it was called and forwards
    // to the master's real web port, printing kubectl's own "Forwarding from" line.
    const deadPort = await freeNodePort();
    const ports = (JSON.parse(await kubectl(['get', 'svc', 'locust-master', '-o', 'jsonpath={.spec.ports}'])) as Json[])
      .map((p) => (p.name === 'http' ? { ...p, nodePort: deadPort } : p));
    const patched = await cluster.kubectl(['patch', 'svc', 'locust-master', '--type=merge', '-p', JSON.stringify({ spec: { ports } })]);
    expect(patched.stderr).toBe('');
    const log = join(runs.scratch, 'kubectl.log');
    const fake = join(runs.scratch, 'kubectl');
    writeFileSync(fake, `#!/bin/sh\necho "$* KUBECONFIG=$KUBECONFIG" >> '${log}'\necho 'Forwarding from 127.0.0.1:${new URL(masterUrl).port} -> 8089'\nexec sleep 600\n`);
    chmodSync(fake, 0o755);
    const env = cleanEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cluster.dir, KUBECONFIG: '', KUBECTL: fake });
    const tool = startProcess(process.execPath, [KUBE_TOOL, 'pulse', '--kubeconfig', cluster.kubeconfig, '--shape', 'spike:base=0,peak=1,at=1s,hold=1s',
      '--csv', join(runs.scratch, 'third')], { env, cwd: runs.scratch });
    const code = await Promise.race([tool.exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(tool.output())), PULSE_TIMEOUT_MS))]);
    expect(code, tool.output()).toBe(0);
    expect(tool.output()).toContain(`http://127.0.0.1:${deadPort} does not answer from here: using kubectl port-forward`);
    expect(tool.output()).toContain(`master ${masterUrl}`);
    expect(readFileSync(log, 'utf8').trim()).toBe(`port-forward --context minikube -n default service/locust-master :8089 KUBECONFIG=${cluster.kubeconfig}`);
  });
});
