/** Where the Locust web UI is reachable from the operator's machine: node address + NodePort. */
import type { V1Node } from '@kubernetes/client-node';
import { MASTER_SERVICE, MASTER_WEB_PORT_NAME } from './constants.js';
import type { Cluster } from './cluster.js';
import { HTTP_FORBIDDEN, causeStatus } from './errors.js';

/** minikube's node reports its VM/container address as InternalIP; clouds add ExternalIP. */
const ADDRESS_PREFERENCE = ['ExternalIP', 'InternalIP', 'Hostname'];

export function nodeAddress(nodes: readonly V1Node[]): string | undefined {
  for (const type of ADDRESS_PREFERENCE) {
    for (const node of nodes) {
      const address = node.status?.addresses?.find((a) => a.type === type)?.address;
      if (address) return address;
    }
  }
  return undefined;
}

/** The nodes, or none when RBAC does not let this user list them (then no NodePort URL: port-forward). */
export async function readableNodes(cluster: Cluster): Promise<V1Node[]> {
  try {
    return await cluster.listNodes();
  } catch (error) {
    if (causeStatus(error)?.code === HTTP_FORBIDDEN) return [];
    throw error;
  }
}

/** The UI URL, or a one-line hint for reaching it when the Service has no NodePort. */
export async function describeUiUrl(cluster: Cluster): Promise<string> {
  const service = await cluster.findService(MASTER_SERVICE);
  if (!service) return `Locust UI: service/${MASTER_SERVICE} not found (run pnpm kube up)`;
  const port = service.spec?.ports?.find((p) => p.name === MASTER_WEB_PORT_NAME);
  const address = nodeAddress(await readableNodes(cluster));
  if (!port?.nodePort || !address) {
    return `Locust UI: kubectl port-forward -n ${cluster.namespace} service/${MASTER_SERVICE} 8089 then open http://localhost:8089`;
  }
  return `Locust UI: http://${address}:${port.nodePort}`;
}
