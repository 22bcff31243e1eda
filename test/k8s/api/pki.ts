/**
 * A throw-away PKI made with openssl, shaped like minikube's: a cluster CA, a server certificate
 * for 127.0.0.1, and a client certificate in group system:masters. Nothing is reused across runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  dispose(): void;
}

const DAYS_VALID = '2';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Key + certificate signed by the CA; `ext` holds the X.509v3 extensions. */
function issue(dir: string, name: string, subject: string, ext: string): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', DAYS_VALID, '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`,
  ]);
}

/** `serverIps`: addresses besides 127.0.0.1 the server certificate is valid for (a bridge's gateway). */
export function makePki(serverIps: readonly string[] = []): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-pki-'));
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-subj', '/CN=minikubeCA',
    '-days', DAYS_VALID, '-sha256', '-out', 'ca.crt',
  ]);
  const sans = ['IP:127.0.0.1', 'DNS:localhost', ...serverIps.map((ip) => `IP:${ip}`)].join(',');
  issue(dir, 'server', '/CN=minikube', `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  issue(dir, 'client', '/O=system:masters/CN=minikube-user', 'extendedKeyUsage=clientAuth\n');
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    caCert: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface KubeconfigContext {
  readonly name: string;
  readonly server: string;
}

/** A kubeconfig like minikube's (embedded data instead of file paths), one cluster per context. */
export function kubeconfigYaml(pki: Pki, contexts: readonly KubeconfigContext[], current: string): string {
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
  const clusters = contexts.map(
    (c) => `- name: ${c.name}\n  cluster:\n    server: ${c.server}\n    certificate-authority-data: ${b64(pki.caCert)}\n`,
  );
  const users = contexts.map(
    (c) =>
      `- name: ${c.name}\n  user:\n    client-certificate-data: ${b64(pki.clientCert)}\n    client-key-data: ${b64(pki.clientKey)}\n`,
  );
  const ctxs = contexts.map((c) => `- name: ${c.name}\n  context:\n    cluster: ${c.name}\n    user: ${c.name}\n    namespace: default\n`);
  return [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    `current-context: ${current}`,
    `clusters:\n${clusters.join('')}`,
    `users:\n${users.join('')}`,
    `contexts:\n${ctxs.join('')}`,
  ].join('\n');
}
