/**
 * Where the pulse reaches the master's REST API: `--url`, else the NodePort on the node's
 * address (minikube on Linux), else a `kubectl port-forward` to the Service (docker driver on
 * macOS/Windows, or any cluster whose nodes are not reachable from here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DeployError } from '../errors.js';
import { kubectlBinary } from '../manifests.js';
import { nodeAddress, readableNodes } from '../ui-url.js';
import { MASTER_SERVICE, MASTER_WEB_PORT_NAME } from '../constants.js';
import type { Cluster } from '../cluster.js';
import type { ClusterTarget } from '../kubeconfig.js';
import type { Print } from '../rollout.js';

const PROBE_TIMEOUT_MS = 2_000;
const PORT_FORWARD_TIMEOUT_MS = 15_000;
const WEB_PORT = 8089;

export interface MasterEndpoint {
  readonly url: string;
  close(): void;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return true; // any HTTP answer (even 401) means the route works
  } catch {
    return false;
  }
}

export async function masterEndpoint(cluster: Cluster, target: ClusterTarget, explicit: string | undefined, print: Print): Promise<MasterEndpoint> {
  if (explicit) return { url: explicit.replace(/\/+$/, ''), close: () => {} };
  const service = await cluster.findService(MASTER_SERVICE);
  if (!service) throw new DeployError(`service/${MASTER_SERVICE} not found in namespace ${cluster.namespace}: run pnpm kube up first`);
  const nodePort = service.spec?.ports?.find((p) => p.name === MASTER_WEB_PORT_NAME)?.nodePort;
  const address = nodeAddress(await readableNodes(cluster));
  if (nodePort && address) {
    const url = `http://${address}:${nodePort}`;
    if (await answers(url)) return { url, close: () => {} };
    print(`${url} does not answer from here: using kubectl port-forward`);
  }
  return portForward(target);
}

function portForward(target: ClusterTarget): Promise<MasterEndpoint> {
  const args = ['port-forward', '--context', target.context, '-n', target.namespace, `service/${MASTER_SERVICE}`, `:${WEB_PORT}`];
  // The files this tool read (--kubeconfig or the KUBECONFIG list), so kubectl sees the same context.
  const env = { ...process.env, KUBECONFIG: target.kubeconfigFiles };
  const child: ChildProcess = spawn(kubectlBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(`no forwarded port after ${PORT_FORWARD_TIMEOUT_MS / 1000}s`), PORT_FORWARD_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill();
      reject(new DeployError(`kubectl port-forward to service/${MASTER_SERVICE} failed: ${why}`));
    }
    child.on('error', (error) => fail(error.message));
    child.on('exit', (code) => fail(stderr.trim().split('\n').pop() || `exit ${code}`));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(chunk.toString());
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: `http://127.0.0.1:${match[1]}`, close: () => child.kill() });
    });
  });
}
