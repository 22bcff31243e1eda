/**
 * Which cluster `--watch-scale` talks to, checked against the real kubectl on the same files:
 * KUBECONFIG lists merged as kubectl merges them (the first file to set a name wins),
 * `--kube-context` and `--kube-namespace` overrides, and the in-cluster service account.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfigError, SERVICE_ACCOUNT_DIR, SERVICE_ACCOUNT_PREFIX_ENV, resolveCluster } from './kubeconfig.js';

const KUBECTL = '/usr/bin/kubectl';
const ENV_KEYS = ['KUBECONFIG', 'HOME', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', SERVICE_ACCOUNT_PREFIX_ENV] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let dir = '';
let first = '';
let second = '';

const kubeconfig = (current: string, clusters: [string, string][], contexts: [string, string, string][]): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current,
    clusters: clusters.map(([name, server]) => ({ name, cluster: { server, 'insecure-skip-tls-verify': true } })),
    users: [{ name: 'me', user: { token: 'abc' } }],
    contexts: contexts.map(([name, cluster, namespace]) => ({ name, context: { cluster, user: 'me', namespace } })),
  });

/** What kubectl makes of the same files: the context, its namespace and server. */
function kubectl(context: string | null): { context: string; namespace: string; server: string } {
  const args = ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].name} {.contexts[0].context.namespace} {.clusters[0].cluster.server}'];
  if (context) args.push('--context', context);
  const out = execFileSync(KUBECTL, args, { env: { PATH: '/usr/bin:/bin', HOME: dir, KUBECONFIG: process.env.KUBECONFIG }, encoding: 'utf8' });
  const [ctx, namespace, server] = out.trim().split(' ');
  return { context: ctx!, namespace: namespace!, server: server! };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  first = join(dir, 'first.json');
  second = join(dir, 'second.json');
  writeFileSync(first, kubeconfig('dev', [['c1', 'https://10.0.0.1:6443']], [['dev', 'c1', 'team-a']]));
  // sets current-context and redefines c1 and dev: the first file's win, as in kubectl
  writeFileSync(second, kubeconfig('prod', [['c1', 'https://10.9.9.9:6443'], ['c2', 'https://10.0.0.2:6443']], [['dev', 'c2', 'other'], ['prod', 'c2', 'ops']]));
});
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function useFiles(...files: string[]): void {
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.HOME = join(dir, 'home');
  process.env.KUBECONFIG = files.join(':');
}

describe('resolveCluster: the cluster kubectl would use', () => {
  it('KUBECONFIG=first:second: the first current-context, the first definition of each name', () => {
    useFiles(first, second);
    const resolved = resolveCluster({});
    const truth = kubectl(null);
    expect(truth).toEqual({ context: 'dev', namespace: 'team-a', server: 'https://10.0.0.1:6443' });
    expect({ context: resolved.source, namespace: resolved.namespace, server: resolved.server }).toEqual({
      context: `context "${truth.context}"`, namespace: truth.namespace, server: truth.server,
    });
  });

  it('--kube-context picks a context from a later file; --kube-namespace overrides its namespace', () => {
    useFiles(first, second);
    const truth = kubectl('prod');
    const resolved = resolveCluster({ context: 'prod' });
    expect([resolved.namespace, resolved.server]).toEqual([truth.namespace, truth.server]);
    expect(resolved.namespace).toBe('ops');
    expect(resolveCluster({ context: 'prod', namespace: 'loadtest' }).namespace).toBe('loadtest');
  });

  it('an unknown context or no kubeconfig at all is one clear error', () => {
    useFiles(first, second);
    expect(() => resolveCluster({ context: 'nope' })).toThrow(new KubeConfigError('no context "nope" in the kubeconfig (contexts: dev, prod)'));
    useFiles();
    expect(() => resolveCluster({})).toThrow(KubeConfigError);
  });

  it("in a pod: the service account's token, CA and namespace, KUBERNETES_SERVICE_HOST/PORT", () => {
    useFiles();
    const prefix = join(dir, 'pod');
    const sa = join(prefix, SERVICE_ACCOUNT_DIR);
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n');
    writeFileSync(join(sa, 'namespace'), 'loadtest\n');
    Object.assign(process.env, { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', [SERVICE_ACCOUNT_PREFIX_ENV]: prefix });
    const resolved = resolveCluster({});
    expect(resolved).toMatchObject({ source: 'in-cluster service account', namespace: 'loadtest', server: 'https://10.96.0.1:443' });
    expect(resolveCluster({ namespace: 'other' }).namespace).toBe('other');
  });
});
