/**
 * `pnpm kube image` picks where to build from what minikube says: with the docker runtime (and a
 * docker CLI here) in minikube's own daemon through `minikube docker-env`, otherwise (containerd,
 * cri-o, or no docker CLI) inside the node with `minikube image build`. minikube and docker are
 * stand-ins on PATH that answer as the real ones do and log each call with the docker env it got:
 *   - `minikube docker-env --shell none` prints KEY=VALUE lines (DOCKER_TLS_VERIFY, DOCKER_HOST,
 *     DOCKER_CERT_PATH, MINIKUBE_ACTIVE_DOCKERD) for the docker runtime; for any other runtime it
 *     exits 14 (MK_USAGE, minikube's ExProgramUsage) with "The docker-env command is only
 *     compatible with the "docker" runtime ...".
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from './api/harness.js';

const KUBE_TOOL = join(REPO_ROOT, 'deploy/bin/kube.mjs');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The images and Dockerfiles `pnpm kube image` must build (docker/images.env names the tags). */
const env = Object.fromEntries(
  readFileSync(join(REPO_ROOT, 'docker/images.env'), 'utf8').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => l.split('=') as [string, string]),
);
const BUILDS: [string, string][] = [['docker/Dockerfile.target', env.TARGET_IMAGE], ['docker/Dockerfile.locust', env.LOCUST_IMAGE]];

/** A PATH holding a fake minikube with the given runtime, and a fake docker unless `docker` is false. */
function fakeTools(runtime: 'docker' | 'containerd', docker: boolean): { path: string; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kube-image-'));
  dirs.push(dir);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls.log');
  const dockerEnv = runtime === 'docker'
    ? `printf 'DOCKER_TLS_VERIFY="1"\\nDOCKER_HOST="tcp://192.168.49.2:2376"\\nDOCKER_CERT_PATH="/home/u/.minikube/certs"\\nMINIKUBE_ACTIVE_DOCKERD="minikube"\\n'; exit 0`
    : `echo 'X Exiting due to MK_USAGE: The docker-env command is only compatible with the "docker" runtime, but this cluster was configured to use the "containerd" runtime.' >&2; exit 14`;
  writeFileSync(join(bin, 'minikube'), `#!/bin/sh
echo "minikube $* [DOCKER_HOST=$DOCKER_HOST]" >> '${log}'
case "$1" in
  version) echo 'minikube version: v1.37.0'; exit 0 ;;
  docker-env) ${dockerEnv} ;;
  image) exit 0 ;;
esac
exit 1
`);
  chmodSync(join(bin, 'minikube'), 0o755);
  if (docker) {
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "docker $* [DOCKER_HOST=$DOCKER_HOST DOCKER_BUILDKIT=$DOCKER_BUILDKIT]" >> '${log}'\nexit 0\n`);
    chmodSync(join(bin, 'docker'), 0o755);
  }
  return { path: bin, calls: () => readFileSync(log, 'utf8').trim().split('\n') };
}

describe('pnpm kube image: where it builds', { timeout: 60_000 }, () => {
  it("docker runtime and a docker CLI: builds in minikube's docker daemon (docker-env)", async () => {
    const tools = fakeTools('docker', true);
    const result = await run(process.execPath, [KUBE_TOOL, 'image'], { PATH: tools.path, HOME: tmpdir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const builds = tools.calls().filter((c) => c.startsWith('docker build'));
    expect(builds).toEqual(BUILDS.map(([file, tag]) => `docker build -f ${file} -t ${tag} . [DOCKER_HOST=tcp://192.168.49.2:2376 DOCKER_BUILDKIT=1]`));
    for (const [, tag] of BUILDS) expect(result.stdout).toContain(`built ${tag} in minikube's docker daemon`);
  });

  it('containerd runtime: minikube image build inside the node, for the named profile', async () => {
    const tools = fakeTools('containerd', true);
    const result = await run(process.execPath, [KUBE_TOOL, 'image', '--profile', 'p2'], { PATH: tools.path, HOME: tmpdir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(tools.calls()).toContain('minikube docker-env --shell none -p p2 [DOCKER_HOST=]');
    expect(tools.calls().filter((c) => c.startsWith('docker build'))).toEqual([]);
    expect(tools.calls().filter((c) => c.startsWith('minikube image'))).toEqual(BUILDS.map(([file, tag]) => `minikube image build -f ${file} -t ${tag} -p p2 . [DOCKER_HOST=]`));
    for (const [, tag] of BUILDS) expect(result.stdout).toContain(`built ${tag} inside the minikube node (minikube image build)`);
  });

  it('docker runtime but no docker CLI here: minikube image build', async () => {
    const tools = fakeTools('docker', false);
    const result = await run(process.execPath, [KUBE_TOOL, 'image'], { PATH: tools.path, HOME: tmpdir() });
    expect(result.code).toBe(0);
    expect(tools.calls().filter((c) => c.startsWith('minikube image'))).toEqual(BUILDS.map(([file, tag]) => `minikube image build -f ${file} -t ${tag} . [DOCKER_HOST=]`));
  });
});
