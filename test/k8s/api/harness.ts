/**
 * One stand-in cluster per test file: PKI, API server, a minikube-like kubeconfig, and helpers
 * that run the deploy tool and the real kubectl as subprocesses against it (asynchronously: the
 * server lives in this process and must keep answering while they run).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeconfigYaml, makePki, type KubeconfigContext, type Pki } from './pki.js';
import { KubeApiServer, type KubeApiOptions } from './server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KUBE_TOOL = join(REPO_ROOT, 'deploy/bin/kube.mjs');
const KUBECTL = '/usr/bin/kubectl';
/** Far above a normal run (a few seconds); only a hung subprocess reaches it. */
const SUBPROCESS_TIMEOUT_MS = 45_000;

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestCluster {
  readonly api: KubeApiServer;
  readonly pki: Pki;
  readonly dir: string;
  /** Path of the kubeconfig whose current context is `minikube`. */
  readonly kubeconfig: string;
  writeKubeconfig(file: string, contexts: readonly KubeconfigContext[], current: string): string;
  /** Runs the deploy tool with KUBECONFIG set to `kubeconfig` (override through `env`). */
  kube(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  kubectl(args: readonly string[], kubeconfig?: string): Promise<RunResult>;
  dispose(): Promise<void>;
}

export async function startTestCluster(options: Omit<KubeApiOptions, 'pki'> = {}): Promise<TestCluster> {
  const pki = makePki();
  const api = await KubeApiServer.start({ ...options, pki });
  const dir = mkdtempSync(join(tmpdir(), 'k8s-test-'));
  const writeKubeconfig = (file: string, contexts: readonly KubeconfigContext[], current: string): string => {
    const path = join(dir, file);
    writeFileSync(path, kubeconfigYaml(pki, contexts, current), { mode: 0o600 });
    return path;
  };
  const kubeconfig = writeKubeconfig('config', [{ name: 'minikube', server: api.url }], 'minikube');
  // HOME points into the temp dir: neither tool may ever read the real ~/.kube.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  return {
    api,
    pki,
    dir,
    kubeconfig,
    writeKubeconfig,
    kube: (args, extra = {}) => run(process.execPath, [KUBE_TOOL, ...args], { ...env, KUBECONFIG: kubeconfig, ...extra }),
    kubectl: (args, config = kubeconfig) => run(KUBECTL, ['--kubeconfig', config, '--cache-dir', join(dir, 'kubectl-cache'), ...args], env),
    dispose: async () => {
      await api.close();
      pki.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a subprocess in its own process group, killing the whole group if it overstays. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, SUBPROCESS_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
