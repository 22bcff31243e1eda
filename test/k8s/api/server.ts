/**
 * A Kubernetes-API-compatible HTTPS server for tests: mutual TLS like minikube's, the discovery
 * documents kubectl and client-node read, and CRUD + server-side apply + the scale subresource for
 * the kinds our manifests use. Errors are Status objects with the real codes (400/404/409/415/422).
 * Real `kubectl` is pointed at it to check every state the deploy tool claims.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { Pki } from './pki.js';
import { ApiError, ObjectStore } from './store.js';
import { authenticate, authorize, type AccessOptions } from './access.js';
import { objectFilter, WatchFeed } from './watch-feed.js';
import { coreVersions, findResource, group, groupList, resourceList, RESOURCES, type ResourceType } from './resources.js';
import { Workloads, type WorkloadOptions } from './workloads.js';

type Json = Record<string, unknown>;
type Routed = { code: number; body: unknown; watch?: { resource: ResourceType; namespace: string | undefined } };

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly fieldManager: string | null;
  readonly force: string | null;
}

export interface KubeApiOptions extends AccessOptions, WorkloadOptions {
  readonly pki: Pki;
  /** Deployments whose pods never get past one ready replica (e.g. an image that will not pull). */
  readonly unready?: readonly string[];
  /** Controller step: each tick moves every Deployment one ready replica toward spec. */
  readonly tickMs?: number;
  /** Address to listen on (default 127.0.0.1); pods on a bridge reach a stand-in on its gateway. */
  readonly host?: string;
}

const DEFAULT_TICK_MS = 100;
/** The RBAC verb of a write, as the real authorizer names it in a 403 (GET is get/list/watch). */
const RBAC_VERBS: Readonly<Record<string, string>> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
const MAX_BODY_BYTES = 1 << 20;

export class KubeApiServer {
  readonly requests: RequestRecord[] = [];
  readonly store: ObjectStore;
  /** list+watch: every change as a watch event (watch-feed.ts) */
  readonly feed: WatchFeed;
  readonly workloads: Workloads;
  private server!: Server;
  private ticker!: NodeJS.Timeout;
  private readonly sockets = new Set<Socket>();
  url = '';

  private constructor(private readonly options: KubeApiOptions) {
    this.store = new ObjectStore(new Set(options.unready ?? []), new Set(Object.keys(options.podProblems ?? {})));
    const namespaces = RESOURCES.find((r) => r.plural === 'namespaces')!;
    for (const name of ['default', 'kube-system']) {
      this.store.seed(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    this.workloads = new Workloads(this.store, options);
    this.feed = new WatchFeed(this.store);
  }

  static async start(options: KubeApiOptions): Promise<KubeApiServer> {
    const api = new KubeApiServer(options);
    api.server = createServer(
      { key: options.pki.serverKey, cert: options.pki.serverCert, ca: options.pki.caCert, requestCert: true, rejectUnauthorized: !options.tokens },
      (req, res) => void api.handle(req, res),
    );
    // every socket, also those mid-handshake, so close() never waits on a reconnecting client
    api.server.on('connection', (socket: Socket) => {
      api.sockets.add(socket);
      socket.on('close', () => api.sockets.delete(socket));
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve) => api.server.listen(0, host, resolve));
    api.url = `https://${host}:${(api.server.address() as AddressInfo).port}`;
    api.ticker = setInterval(() => {
      api.store.tick();
      api.workloads.sync();
      api.feed.sync();
    }, options.tickMs ?? DEFAULT_TICK_MS);
    return api;
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    this.feed.closeAll();
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      contentType,
      fieldManager: url.searchParams.get('fieldManager'),
      force: url.searchParams.get('force'),
    });
    try {
      const body = await readBody(req);
      const user = authenticate(req, this.options);
      const result = this.route(req.method ?? 'GET', url, contentType, body, String(req.headers['user-agent'] ?? ''), user);
      if (req.method !== 'GET') this.feed.sync();
      if (result.watch) this.feed.serve(res, result.watch.resource, result.watch.namespace, url);
      else if (typeof result.body === 'string') sendText(res, result.code, result.body);
      else send(res, result.code, result.body);
    } catch (error) {
      if (error instanceof ApiError) {
        send(res, error.code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: error.message, reason: error.reason, details: error.details, code: error.code });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        send(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
      }
    }
  }

  private route(method: string, url: URL, contentType: string, body: string, userAgent: string, user: string): Routed {
    const path = url.pathname.replace(/\/+$/, '');
    const segments = path.split('/').filter(Boolean);
    if (method === 'GET') {
      if (path === '/version') return ok({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
      if (path === '/api') return ok(coreVersions(url.host));
      if (path === '/apis') return ok(groupList());
      if (segments[0] === 'apis' && segments.length === 2) return found(group(segments[1]), path);
      if (segments[0] === 'api' && segments.length === 2) return found(resourceList('', segments[1]), path);
      if (segments[0] === 'apis' && segments.length === 3) return found(resourceList(segments[1], segments[2]), path);
    }
    const [groupName, version, rest] =
      segments[0] === 'api' ? ['', segments[1], segments.slice(2)] : segments[0] === 'apis' ? [segments[1], segments[2], segments.slice(3)] : ['', '', []];
    if (!version || rest.length === 0) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    let namespace: string | undefined;
    let tail = rest;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      tail = rest.slice(2);
    }
    const resource = findResource(groupName, version, tail[0]);
    if (!resource || (namespace !== undefined && !resource.namespaced)) {
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    }
    const name = tail[1];
    const subresource = tail[2];
    const watching = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    authorize(user, watching ? 'watch' : method === 'GET' ? (name === undefined ? 'list' : 'get') : (RBAC_VERBS[method] ?? method.toLowerCase()), resource, namespace, this.options);
    if (watching && method === 'GET' && name === undefined) return { code: 200, body: null, watch: { resource, namespace } };
    if (resource.namespaced && namespace === undefined && name !== undefined) {
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    }
    const manager = url.searchParams.get('fieldManager') ?? (userAgent.split('/')[0] || 'unknown');
    return this.resourceRequest(method, resource, namespace, name, subresource, url, contentType, body, manager);
  }

  private resourceRequest(
    method: string, resource: ResourceType, namespace: string | undefined, name: string | undefined, subresource: string | undefined,
    url: URL, contentType: string, body: string, manager: string,
  ): { code: number; body: unknown } {
    const store = this.store;
    if (subresource === 'log' && resource.plural === 'pods' && name !== undefined && method === 'GET') {
      return ok(this.workloads.log(namespace, name)); // plain text, as the kubelet streams it
    }
    if (subresource !== undefined) {
      if (subresource !== 'scale' || !resource.hasScale || name === undefined) throw new ApiError(404, 'NotFound', `${resource.plural}/${subresource} is not served`);
      switch (method) {
        case 'GET':
          return ok(store.scaleOf(resource, namespace, name));
        case 'PUT':
          return ok(store.setReplicas(resource, namespace, name, (parseJson(body).spec as Json | undefined)?.replicas, manager));
        case 'PATCH':
          requireMergePatch(contentType);
          return ok(store.setReplicas(resource, namespace, name, (parseJson(body).spec as Json | undefined)?.replicas, manager));
      }
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on the scale subresource`);
    }
    if (name === undefined) {
      if (method === 'GET') {
        const items = store
          .listForClient(resource, namespace, url.searchParams.get('labelSelector') ?? undefined)
          .filter(objectFilter(namespace, null, url.searchParams.get('fieldSelector')));
        return ok({ kind: `${resource.kind}List`, apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, metadata: { resourceVersion: store.currentResourceVersion() }, items });
      }
      if (method === 'POST') return { code: 201, body: store.create(resource, namespace, parseJson(body), manager) };
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on a collection`);
    }
    switch (method) {
      case 'GET':
        return ok(store.read(resource, namespace, name));
      case 'PUT':
        return ok(store.replace(resource, namespace, name, parseJson(body), manager));
      case 'DELETE':
        return ok(store.remove(resource, namespace, name));
      case 'PATCH': {
        if (contentType === 'application/apply-patch+yaml') {
          const fieldManager = url.searchParams.get('fieldManager');
          if (!fieldManager) {
            throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
          }
          const result = store.apply(resource, namespace, name, parseApplyConfig(body), fieldManager, url.searchParams.get('force') === 'true');
          return { code: result.created ? 201 : 200, body: result.object };
        }
        requireMergePatch(contentType);
        return ok(store.mergePatch(resource, namespace, name, parseJson(body), manager));
      }
    }
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed`);
  }
}

function ok(body: unknown): { code: number; body: unknown } {
  return { code: 200, body };
}

function found(body: object | undefined, path: string): { code: number; body: unknown } {
  if (!body) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
  return ok(body);
}

/** Strategic merge patch is treated as a JSON merge patch: identical for the maps we patch. */
function requireMergePatch(contentType: string): void {
  if (contentType !== 'application/merge-patch+json' && contentType !== 'application/strategic-merge-patch+json') {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got "${contentType}")`);
  }
}

function parseJson(body: string): Json {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError(400, 'BadRequest', 'the body of the request is not a JSON object');
}

function parseApplyConfig(body: string): Json {
  let value: unknown;
  try {
    value = parseYaml(body);
  } catch (error) {
    throw new ApiError(400, 'BadRequest', `error decoding YAML: ${error instanceof Error ? error.message.split('\n')[0] : ''}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'BadRequest', 'apply patch is not an object');
  return value as Json;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new ApiError(413, 'RequestEntityTooLarge', 'request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
