/**
 * pnpm kube image: builds both images where minikube's pods can use them without a registry.
 * With the docker runtime and a docker CLI here, the build runs in minikube's own daemon
 * (`minikube docker-env`, BuildKit caches kept); otherwise (containerd, cri-o, no docker CLI)
 * `minikube image build` builds inside the node.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeployError } from './errors.js';
import type { Print } from './rollout.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IMAGES: readonly [string, string][] = [
  ['TARGET_IMAGE', 'docker/Dockerfile.target'],
  ['LOCUST_IMAGE', 'docker/Dockerfile.locust'],
];

export interface ImageOptions {
  readonly profile?: string;
}

function images(): [string, string][] {
  const env = Object.fromEntries(
    readFileSync(join(REPO_ROOT, 'docker/images.env'), 'utf8')
      .split('\n')
      .filter((l) => /^\w+=/.test(l))
      .map((l) => l.split('=') as [string, string]),
  );
  return IMAGES.map(([key, dockerfile]) => [env[key], dockerfile]);
}

function found(command: string): boolean {
  return spawnSync(command, ['version'], { stdio: 'ignore' }).error === undefined;
}

/** `minikube docker-env --shell none`: KEY=VALUE lines, or undefined when the runtime is not docker. */
function dockerEnv(profileArgs: string[]): NodeJS.ProcessEnv | undefined {
  const result = spawnSync('minikube', ['docker-env', '--shell', 'none', ...profileArgs], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const env: NodeJS.ProcessEnv = {};
  for (const line of result.stdout.split('\n')) {
    const match = /^(\w+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^"|"$/g, '');
  }
  return env.DOCKER_HOST ? env : undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, print: Print): void {
  print(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new DeployError(`${command} ${args.slice(0, 2).join(' ')} failed (exit ${result.status ?? result.signal}): see its output above`);
}

export async function image(options: ImageOptions, print: Print): Promise<void> {
  if (!found('minikube')) {
    throw new DeployError('minikube not found: install it (https://minikube.sigs.k8s.io), or build with docker/build.sh and push the images to your cluster\'s registry');
  }
  const profileArgs = options.profile ? ['-p', options.profile] : [];
  const daemon = found('docker') ? dockerEnv(profileArgs) : undefined;
  for (const [tag, dockerfile] of images()) {
    if (daemon) run('docker', ['build', '-f', dockerfile, '-t', tag, '.'], { ...process.env, ...daemon, DOCKER_BUILDKIT: '1' }, print);
    else run('minikube', ['image', 'build', '-f', dockerfile, '-t', tag, ...profileArgs, '.'], process.env, print);
    print(`built ${tag} ${daemon ? "in minikube's docker daemon" : 'inside the minikube node (minikube image build)'}`);
  }
}
