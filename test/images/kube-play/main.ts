/**
 * `pnpm test:images`, the pods part: the rendered deploy/manifests/base run under `podman kube
 * play` as a cluster would run them (render.ts says what stands in for what podman cannot do), a
 * pulse through the master's REST API with 0 failures, the target's CPU per request from its own
 * /metrics, and each pod's spec checked inside the running container: user, read-only root,
 * capabilities, no-new-privileges, env, args, limits, the ConfigMap's file, probes, SIGTERM.
 * Then deploy/manifests/pulse-job (job.ts): the headless master Job's exit code is the verdict.
 *
 * Runs inside the network namespace scripts/test-images.sh made (podman's bridge, DNS and
 * published ports stay in it): node --import tsx test/images/kube-play/main.ts RUN_ID WORK_DIR
 * Prints `[images] PASS|FAIL ...` lines and, last, `kube-play: N passed, M failed`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PlayPod, REPLACEMENTS, kustomize, toPlayable } from './render.js';
import { runPulseJob } from './job.js';
import { addressOf, containerName, describeProbe, inspect, play, podman, probeOnce, until } from './podman.js';

type Json = Record<string, any>;
const [runId, work] = process.argv.slice(2);
if (!runId || !work) throw new Error('usage: main.ts RUN_ID WORK_DIR');

/** The pulse: 10 users at 10/s until the master has recorded this many requests, then stop. */
const USERS = 10;
const PULSE_REQUESTS = 60;
/** Hang guards only — a loaded 2-core machine starts pods slowly. */
const READY_TIMEOUT_MS = 90_000;
const PULSE_TIMEOUT_MS = 120_000;
/** Two report intervals (3 s each) and room for a loaded machine: a hang guard only. */
const REPORT_TIMEOUT_MS = 30_000;
/** A stop is "at once" when it beats podman's 10 s SIGKILL fallback by far. */
const STOP_LIMIT_S = 3;
const network = `${runId}-net`;
let passed = 0;
let failed = 0;
const pass = (what: string) => (passed++, console.log(`[images] PASS ${what}`));
const fail = (what: string) => (failed++, console.log(`[images] FAIL ${what}`));
const log = (what: string) => console.log(`[images] ${what}`);
const check = (ok: boolean, what: string, otherwise = '') => (ok ? pass(what) : fail(`${what}${otherwise ? `: ${otherwise}` : ''}`));

interface StatsRequests {
  state: string;
  user_count: number;
  workers: unknown[];
  stats: { name: string; num_requests: number; num_failures: number }[];
}

async function waitReady(p: PlayPod, ip: string): Promise<void> {
  const spec = p.pod.spec;
  for (const c of spec.containers) {
    for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
      const probe = c[kind];
      if (!probe) continue;
      await until(() => probeOnce(spec, probe, ip), READY_TIMEOUT_MS, `${p.pod.metadata.name} ${kind}`);
      pass(`${p.from} (${p.pod.metadata.name}): ${kind} ${describeProbe(spec, probe)} passes`);
    }
  }
}

/** The documentation lists every replacement, word for word. */
function checkDocs(): void {
  const docs = readFileSync('docs/kubernetes.md', 'utf8');
  const missing = Object.entries(REPLACEMENTS).filter(([what, by]) => !docs.includes(`| ${what} | ${by} |`));
  check(missing.length === 0, 'docs/kubernetes.md lists every replacement podman needs', missing.map(([w]) => w).join(', '));
}

/** Inside the running container: what the pod spec says about user, root, capabilities, env, args, limits, files. */
async function checkSpec(p: PlayPod, configMaps: Map<string, Record<string, string>>): Promise<void> {
  const spec = p.pod.spec;
  const c = spec.containers[0];
  const name = containerName(p);
  const out = await podman(['exec', name, 'sh', '-c', 'id -u; id -g; touch /x 2>/dev/null && echo root-writable; touch /app/x 2>/dev/null && echo root-writable; touch /tmp/.w && echo tmp-writable; grep -E "^(CapEff|NoNewPrivs)" /proc/1/status; tr "\\0" "\\n" </proc/1/environ']);
  const [uid, gid, ...rest] = out.trim().split('\n');
  const lines = new Set(rest);
  const problems: string[] = [];
  const sc = { ...spec.securityContext, ...c.securityContext };
  if (Number(uid) !== sc.runAsUser || Number(gid) !== sc.runAsGroup) problems.push(`uid:gid ${uid}:${gid}`);
  if (sc.readOnlyRootFilesystem && lines.has('root-writable')) problems.push('root filesystem writable');
  if (!lines.has('tmp-writable')) problems.push('/tmp not writable');
  if (c.securityContext?.capabilities?.drop?.includes('ALL') && !lines.has('CapEff:\t0000000000000000')) problems.push('capabilities left');
  if (c.securityContext?.allowPrivilegeEscalation === false && !lines.has('NoNewPrivs:\t1')) problems.push('no-new-privileges unset');
  for (const e of c.env ?? []) if (e.value !== undefined && !lines.has(`${e.name}=${e.value}`)) problems.push(`env ${e.name}`);
  const info = await inspect(name);
  if (JSON.stringify(info.Config.Cmd ?? []) !== JSON.stringify(c.args ?? [])) problems.push(`args ${JSON.stringify(info.Config.Cmd)}`);
  const limits = c.resources?.limits ?? {};
  if (limits.cpu && info.HostConfig.NanoCpus !== Number(limits.cpu) * 1e9) problems.push(`cpu limit ${info.HostConfig.NanoCpus}`);
  if (limits.memory && info.HostConfig.Memory !== Number(String(limits.memory).replace(/Mi$/, '')) * 1024 ** 2) problems.push(`memory limit ${info.HostConfig.Memory}`);
  // the ConfigMap's file where the mount puts it, read-only
  for (const m of c.volumeMounts ?? []) {
    const source = spec.volumes.find((v: Json) => v.name === m.name)?.hostPath;
    if (source?.type !== 'File') continue;
    const key = source.path.split('/').pop();
    const data = [...configMaps.values()].find((d) => key in d)?.[key];
    const seen = await podman(['exec', name, 'cat', m.mountPath]);
    if (seen !== data) problems.push(`${m.mountPath} differs from the ConfigMap's ${key}`);
    const writable = await podman(['exec', name, 'sh', '-c', `[ -w ${m.mountPath} ] && echo writable || true`]);
    if (writable.trim()) problems.push(`${m.mountPath} writable`);
  }
  const what = `${p.from}: uid ${uid}:${gid}, read-only root (/, /app), writable /tmp, no capabilities, no-new-privileges, env, args, limits, mounted files as the spec says`;
  check(problems.length === 0, what, problems.join('; '));
}

async function pulse(masterIp: string, target: PlayPod, targetIp: string): Promise<void> {
  const url = `http://${masterIp}:8089`;
  const stats = async (): Promise<StatsRequests> => (await (await fetch(`${url}/stats/requests`)).json()) as StatsRequests;
  const total = (s: StatsRequests) => s.stats.find((e) => e.name === 'Aggregated')!;
  const res = (await (await fetch(`${url}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: String(USERS), spawn_rate: String(USERS) }) })).json()) as { success: boolean };
  if (!res.success) return fail(`POST /swarm: ${JSON.stringify(res)}`);
  await until(async () => { const s = await stats(); return s.user_count === USERS && total(s).num_requests >= PULSE_REQUESTS; }, PULSE_TIMEOUT_MS, `${PULSE_REQUESTS} requests`);
  await fetch(`${url}/stop`);
  await until(async () => (await stats()).state === 'stopped', PULSE_TIMEOUT_MS, 'the run to stop');
  // the target's own count and the CPU they cost (what the HPA acts on)
  const targetMetrics = async () => {
    const metrics = await (await fetch(`http://${targetIp}:8000/metrics`)).text();
    const value = (n: string) => Number(metrics.match(new RegExp(`^${n} (\\S+)$`, 'm'))?.[1]);
    return { count: value('target_hello_requests_total'), cpuSeconds: value('target_hello_cpu_seconds_total') };
  };
  let final = total(await stats());
  let answered = await targetMetrics();
  // A worker's last stats report may reach the master after its state reads stopped (reports go
  // every 3 s): wait until the master holds every answered request but those of users stopped
  // with a request in flight (one each, never counted) — the check below says what was seen.
  await until(async () => {
    [final, answered] = [total(await stats()), await targetMetrics()];
    return answered.count <= final.num_requests + USERS;
  }, REPORT_TIMEOUT_MS, "the workers' last stats reports").catch(() => undefined);
  check(final.num_requests >= PULSE_REQUESTS && final.num_failures === 0, `pulse through the played pods (workers -> locust-master, users -> fastapi-service by Service name): ${final.num_requests} requests, ${final.num_failures} failures`);
  const count = answered.count;
  const cpuMs = (answered.cpuSeconds * 1000) / count;
  const knob = Number(target.pod.spec.containers[0].env.find((e: Json) => e.name === 'TARGET_CPU_MS').value);
  check(
    count >= final.num_requests && count <= final.num_requests + USERS && cpuMs >= knob,
    `target /metrics: ${count} /hello (master recorded ${final.num_requests}), ${cpuMs.toFixed(1)} ms CPU each (TARGET_CPU_MS=${knob} from the manifest)`,
  );
}

async function checkWebUi(masterIp: string): Promise<void> {
  // 5557 (what the probes check) may open before the web server listens
  await until(async () => (await fetch(`http://${masterIp}:8089/`)).ok, READY_TIMEOUT_MS, 'the web UI');
  const html = await (await fetch(`http://${masterIp}:8089/`)).text();
  const js = html.match(/src="\.?\/?(assets\/[^"]+\.js)"/)?.[1];
  const bundle = js ? await fetch(`http://${masterIp}:8089/${js}`) : null;
  check(!!bundle?.ok, 'the web-mode master serves the prebuilt web UI (page + bundle) from the image');
}

async function checkStop(p: PlayPod): Promise<void> {
  const name = containerName(p);
  const started = Date.now();
  await podman(['stop', '-t', '10', name]);
  const took = (Date.now() - started) / 1000;
  const code = (await inspect(name)).State.ExitCode;
  check(took < STOP_LIMIT_S && code !== 137, `${p.from} stops on SIGTERM in ${took.toFixed(1)}s (exit ${code})`);
}

async function main(): Promise<void> {
  checkDocs();
  const objects = kustomize('deploy/manifests/base');
  const rendered = toPlayable(objects, join(work, 'pods'), runId);
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name as string, o.data as Record<string, string>]));
  log(`rendered deploy/manifests/base: ${rendered.pods.map((p) => p.pod.metadata.name).join(', ')} played; not played: ${rendered.notPlayed.join(', ')}`);
  const from = (w: string) => rendered.pods.filter((p) => p.from === w);
  const [target] = from('Deployment/fastapi-deployment');
  const [master] = from('Deployment/locust-master');
  const workers = from('Deployment/locust-worker');
  if (!target || !master || workers.length !== 2) throw new Error('the base no longer has a target, a master and 2 workers');

  await podman(['network', 'create', network]);
  const dir = join(work, 'pods');
  let started = Date.now();
  await play(target, network, dir);
  const targetIp = await addressOf(target, network);
  await waitReady(target, targetIp);
  log(`start: target pod ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  started = Date.now();
  await play(master, network, dir);
  const masterIp = await addressOf(master, network);
  await waitReady(master, masterIp);
  log(`start: master pod ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  await checkWebUi(masterIp);
  for (const w of workers) await play(w, network, dir);
  await until(async () => ((await (await fetch(`http://${masterIp}:8089/stats/requests`)).json()) as StatsRequests).workers.length === workers.length, READY_TIMEOUT_MS, 'both workers connected');
  pass(`${workers.length} worker pods resolved locust-master and connected`);
  await pulse(masterIp, target, targetIp);
  for (const p of [target, master, workers[0]!]) await checkSpec(p, configMaps);
  for (const p of [workers[0]!, master, target]) await checkStop(p);
  // the Job's target publishes the same port in this namespace
  await podman(['pod', 'rm', '-f', '-t', '0', ...rendered.pods.map((p) => p.pod.metadata.name)]);
  await pulseJob();
}

/** deploy/manifests/pulse-job: the Job's exit code, its scale assertion, its CSV, the HPA stand-in's decisions. */
async function pulseJob(): Promise<void> {
  const started = Date.now();
  const job = await runPulseJob(runId!, work!, network, { pass, fail, log }, waitReady);
  const took = ((Date.now() - started) / 1000).toFixed(0);
  const row = job.statsCsv.split('\n').find((l) => l.startsWith(',Aggregated,'))?.split(',');
  const [requests, failures] = [Number(row?.[2]), Number(row?.[3])];
  const peak = Math.max(...job.decisions.map((d) => d.replicas));
  const summary = job.output.match(/HPA scale-up decision[^\n]*/)?.[0] ?? 'no scale summary';
  if (job.exitCode !== 0 || !(requests > 0) || failures !== 0) console.log(job.output.split('\n').slice(-40).join('\n'));
  check(job.exitCode === 0, `the pulse Job (its own args: square pulse, --watch-scale, --assert-scale) exits 0 after ${took}s`, `exit ${job.exitCode}`);
  check(requests > 0 && failures === 0, `pulse Job CSV (/tmp/pulse_stats.csv in its emptyDir): ${requests} requests, ${failures} failures`);
  const value = (n: string) => Number(job.targetMetrics.match(new RegExp(`^${n} (\\S+)$`, 'm'))?.[1]);
  const count = value('target_hello_requests_total');
  const cpuMs = (value('target_hello_cpu_seconds_total') * 1000) / count;
  // users stopped mid-request at each falling edge: answered, not recorded
  check(count >= requests && cpuMs >= job.targetCpuMs, `pulse Job's target /metrics: ${count} /hello (the Job recorded ${requests}), ${cpuMs.toFixed(1)} ms CPU each (TARGET_CPU_MS=${job.targetCpuMs})`);
  check(/PASS --assert-scale 'ready>=2 within 120s'/.test(job.output), `the Job's --assert-scale passed on the HPA stand-in's decisions (peak ${peak} replicas, utilisation up to ${Math.max(...job.decisions.map((d) => d.utilization))}%): ${summary}`);
}

async function cleanup(): Promise<void> {
  const pods = (await podman(['pod', 'ls', '--format', '{{.Name}}']).catch(() => '')).split('\n').filter((n) => n.startsWith(`${runId}-`));
  if (pods.length) await podman(['pod', 'rm', '-f', '-t', '0', ...pods]).catch((e) => log(String(e)));
  await podman(['network', 'rm', '-f', network]).catch(() => undefined);
}

// an error event nobody listens to (a server that cannot listen) must still clean up and report
process.on('uncaughtException', (err) => {
  fail(`kube play: ${err.message}`);
  void cleanup().finally(() => {
    console.log(`kube-play: ${passed} passed, ${failed} failed`);
    process.exit(1);
  });
});

try {
  await main();
} catch (err) {
  fail(`kube play: ${(err as Error).message}`);
} finally {
  await cleanup();
  console.log(`kube-play: ${passed} passed, ${failed} failed`);
}
