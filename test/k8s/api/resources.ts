/** The resource types the stand-in API server serves, with the discovery documents kubectl reads. */
import { WORKLOAD_RESOURCES } from './workload-resources.js';

export interface ResourceType {
  readonly group: string; // '' = core
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly hasScale?: boolean;
}

export const RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
  { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'] },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'] },
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], hasScale: true },
  {
    group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'],
  },
  ...WORKLOAD_RESOURCES,
];

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** GET /api */
export function coreVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groups(): Map<string, string[]> {
  const byGroup = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const versions = byGroup.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    byGroup.set(r.group, versions);
  }
  return byGroup;
}

function groupDocument(name: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** GET /apis */
export function groupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups()].map(([name, versions]) => groupDocument(name, versions)),
  };
}

/** GET /apis/{group} */
export function group(name: string): object | undefined {
  const versions = groups().get(name);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(name, versions) } : undefined;
}

/** GET /api/v1 or /apis/{group}/{version}; undefined for a version the server does not serve. */
export function resourceList(groupName: string, version: string): object | undefined {
  const served = RESOURCES.filter((r) => r.group === groupName && r.version === version);
  if (served.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of served) {
    resources.push({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: VERBS, shortNames: r.shortNames });
    if (r.hasScale) {
      resources.push({
        name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupName ? `${groupName}/${version}` : version, resources };
}
