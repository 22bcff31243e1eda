/**
 * podman as the image test drives it: play one Pod on the run's network (with its Service names as
 * aliases), read a container's address, exec in it, stop it; and each probe of the rendered
 * manifests run the way the kubelet runs it.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@locust-ts/test-support/wait';
import { stringify } from 'yaml';
import { type PlayPod, resolvePort } from './render.js';

type Json = Record<string, any>;
const run = promisify(execFile);

export async function podman(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run('podman', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`podman ${args.join(' ')}: ${(e.stderr || e.message).trim().split('\n').filter((l) => !/healthcheck|syslog/.test(l)).slice(-5).join(' | ')}`);
  }
}

/** A container's output, stdout and stderr as they came. */
export async function logs(name: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'podman logs "$1" 2>&1', 'sh', name], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** `podman kube play` of one pod's YAML, its Service names as network aliases. */
export async function play(p: PlayPod, network: string, dir: string): Promise<void> {
  const file = join(dir, `${p.pod.metadata.name}.yaml`);
  writeFileSync(file, stringify(p.pod));
  const net = p.aliases.length ? `${network}:${p.aliases.map((a) => `alias=${a}`).join(',')}` : network;
  await podman(['kube', 'play', '--network', net, file]);
}

/** podman names a played pod's container POD-CONTAINER. */
export const containerName = (p: PlayPod, container: Json = p.pod.spec.containers[0]): string => `${p.pod.metadata.name}-${container.name}`;

export async function inspect(name: string): Promise<Json> {
  return (JSON.parse(await podman(['container', 'inspect', name])) as Json[])[0]!;
}

export async function addressOf(p: PlayPod, network: string): Promise<string> {
  const ip = (await inspect(containerName(p))).NetworkSettings.Networks[network]?.IPAddress as string | undefined;
  if (!ip) throw new Error(`${p.pod.metadata.name} has no address on ${network}`);
  return ip;
}

/**
 * Repeat `check` until it holds (test-support's waitFor; a check that throws — a pod not answering
 * yet — counts as not yet); a hang guard, never a timing assertion.
 */
export function until(check: () => Promise<boolean>, timeoutMs: number, what: string, pollMs = 250): Promise<void> {
  return waitFor(() => check().catch(() => false), timeoutMs, what, pollMs);
}

function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('connect', () => done(true));
    s.on('error', () => done(false));
  });
}

/** One probe as the kubelet runs it against the pod's address: success or not. */
export async function probeOnce(spec: Json, probe: Json, ip: string): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.tcpSocket) return tcpOpen(ip, resolvePort(spec, probe.tcpSocket.port), timeoutMs);
  if (probe.httpGet) {
    const port = resolvePort(spec, probe.httpGet.port);
    const res = await fetch(`http://${ip}:${port}${probe.httpGet.path ?? '/'}`, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => null);
    return !!res && res.status >= 200 && res.status < 400;
  }
  throw new Error(`probe kind ${Object.keys(probe).join(',')} not run by this test`);
}

/** A probe in words, for the PASS lines: `tcpSocket locust-task (5557)`. */
export function describeProbe(spec: Json, probe: Json): string {
  if (probe.tcpSocket) return `tcpSocket ${probe.tcpSocket.port} (${resolvePort(spec, probe.tcpSocket.port)})`;
  return `httpGet ${probe.httpGet.path} on ${probe.httpGet.port} (${resolvePort(spec, probe.httpGet.port)})`;
}
