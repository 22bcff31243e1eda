/**
 * The kinds the deploy path adds to the stand-in: what the manifests apply (ServiceAccount, RBAC,
 * NetworkPolicy, Job), what the tool reads while waiting (pods, events) and in preflight
 * (metrics-server's APIService). Kept apart from resources.ts so the core list stays small.
 */
import type { ResourceType } from './resources.js';

export const WORKLOAD_RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: 'batch', version: 'v1', plural: 'jobs', singular: 'job', kind: 'Job', namespaced: true, shortNames: [] },
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', singular: 'networkpolicy', kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'] },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', singular: 'role', kind: 'Role', namespaced: true, shortNames: [] },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true, shortNames: [] },
  { group: 'apiregistration.k8s.io', version: 'v1', plural: 'apiservices', singular: 'apiservice', kind: 'APIService', namespaced: false, shortNames: [] },
];
