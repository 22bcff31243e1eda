/**
 * The stand-in's object store: server-side apply with per-manager field ownership (leaf paths,
 * lists atomic), update operations, defaulting, and a tiny Deployment/HPA "controller" that moves
 * status toward spec one replica per tick, so rollouts take visible time.
 */
import { randomUUID } from 'node:crypto';
import { apiVersionOf, type ResourceType } from './resources.js';
import { validate, unknownFieldCauses, type Cause } from './validation.js';

type Json = Record<string, unknown>;
type Path = readonly string[];

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: object,
  ) {
    super(message);
  }
}

interface Ownership {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly paths: Map<string, Path>;
  time: string;
}

interface Stored {
  readonly resource: ResourceType;
  object: Json;
  owners: Ownership[];
  /**
   * A Deployment's status has been read by a client since its spec last changed. The controller
   * waits for that before its first step, so a client's first poll after an apply or scale always
   * sees the rollout unfinished, however slowly the client runs (no race with the tick timer).
   */
  observed?: boolean;
}

/** Top-level fields a client writes; the rest (apiVersion, kind, name, status) is the server's. */
const OWNED_ROOTS = ['spec', 'data', 'binaryData'];
const OWNED_METADATA = ['labels', 'annotations'];
const NODE_PORT_MIN = 30000;

export class ObjectStore {
  private readonly objects = new Map<string, Stored>();
  private resourceVersion = 1000;
  private nextNodePort = NODE_PORT_MIN + 1234;
  private nextClusterIp = 10;

  /** `unready`: stuck at one ready replica; `blocked`: never any (pods held back, see workloads.ts). */
  constructor(private readonly unready: ReadonlySet<string>, private readonly blocked: ReadonlySet<string> = new Set()) {}

  static key(resource: ResourceType, namespace: string | undefined, name: string): string {
    return `${resource.plural}/${namespace ?? ''}/${name}`;
  }

  seed(resource: ResourceType, object: Json): void {
    const meta = object.metadata as Json;
    this.objects.set(ObjectStore.key(resource, undefined, String(meta.name)), {
      resource,
      object: this.withServerFields(resource, undefined, object, undefined),
      owners: [],
    });
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): Json {
    return this.stored(resource, namespace, name).object;
  }

  /** A client's GET of one object (the HTTP layer calls this; internal reads do not count). */
  read(resource: ResourceType, namespace: string | undefined, name: string): Json {
    const stored = this.stored(resource, namespace, name);
    stored.observed = true;
    return stored.object;
  }

  /** A client's list (the HTTP layer): like {@link read}, it counts as having seen each object's status. */
  listForClient(resource: ResourceType, namespace: string | undefined, labelSelector: string | undefined): Json[] {
    const items = this.list(resource, namespace, labelSelector);
    for (const object of items) {
      const stored = this.objects.get(ObjectStore.key(resource, namespace ?? ((object.metadata as Json).namespace as string | undefined), String((object.metadata as Json).name)));
      if (stored) stored.observed = true;
    }
    return items;
  }

  list(resource: ResourceType, namespace: string | undefined, labelSelector: string | undefined): Json[] {
    const wanted = parseSelector(labelSelector);
    return [...this.objects.values()]
      .filter((s) => s.resource === resource)
      .map((s) => s.object)
      .filter((o) => namespace === undefined || (o.metadata as Json).namespace === namespace)
      .filter((o) => {
        const labels = ((o.metadata as Json).labels ?? {}) as Json;
        return wanted.every(([k, v]) => labels[k] === v);
      })
      .sort((a, b) => String((a.metadata as Json).name).localeCompare(String((b.metadata as Json).name)));
  }

  currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  create(resource: ResourceType, namespace: string | undefined, body: Json, manager: string): Json {
    this.checkIdentity(resource, namespace, body);
    this.requireNamespace(resource, namespace);
    const name = String((body.metadata as Json).name);
    const key = ObjectStore.key(resource, namespace, name);
    if (this.objects.has(key)) {
      throw new ApiError(409, 'AlreadyExists', `${kindRef(resource)} "${name}" already exists`, { name, group: resource.group, kind: resource.plural });
    }
    const object = this.admit(resource, namespace, body, undefined);
    const owners = [ownership(manager, 'Update', resource, leaves(body))];
    this.objects.set(key, { resource, object, owners, observed: false });
    return object;
  }

  /** PUT: the body replaces the object; fields that changed become the manager's. */
  replace(resource: ResourceType, namespace: string | undefined, name: string, body: Json, manager: string): Json {
    this.checkIdentity(resource, namespace, body, name);
    const stored = this.stored(resource, namespace, name);
    this.checkResourceVersion(stored, body);
    return this.update(stored, namespace, body, manager);
  }

  mergePatch(resource: ResourceType, namespace: string | undefined, name: string, patch: Json, manager: string): Json {
    const stored = this.stored(resource, namespace, name);
    const merged = mergePatch(structuredClone(stored.object), patch) as Json;
    return this.update(stored, namespace, merged, manager);
  }

  /** The scale subresource: only spec.replicas changes. */
  setReplicas(resource: ResourceType, namespace: string | undefined, name: string, replicas: unknown, manager: string): Json {
    const stored = this.stored(resource, namespace, name);
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw invalid('Scale', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${String(replicas)}` }], 'autoscaling');
    }
    const next = structuredClone(stored.object);
    (next.spec as Json).replicas = replicas;
    this.update(stored, namespace, next, manager);
    return this.scaleOf(resource, namespace, name);
  }

  scaleOf(resource: ResourceType, namespace: string | undefined, name: string): Json {
    const object = this.get(resource, namespace, name);
    const meta = object.metadata as Json;
    const status = (object.status ?? {}) as Json;
    const selector = Object.entries((((object.spec as Json).selector as Json)?.matchLabels ?? {}) as Json)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
      spec: { replicas: (object.spec as Json).replicas },
      status: { replicas: status.replicas ?? 0, selector },
    };
  }

  /**
   * Server-side apply. Conflicts: a field in the config that another manager owns with a
   * different value (409 unless force). Fields this manager applied before and left out now are
   * removed unless someone else owns them.
   */
  apply(resource: ResourceType, namespace: string | undefined, name: string, config: Json, manager: string, force: boolean): { object: Json; created: boolean } {
    this.checkIdentity(resource, namespace, config, name);
    const unknown = unknownFieldCauses(config);
    if (unknown.length > 0) {
      const fields = unknown.map((c) => `.${c.field}: ${c.message}`).join(', ');
      throw invalid(resource.kind, name, unknown, resource.group, `failed to create typed patch object (${namespace}/${name}; ${apiVersionOf(resource)}, Kind=${resource.kind}): ${fields}`);
    }
    const applied = leaves(config);
    const key = ObjectStore.key(resource, namespace, name);
    const stored = this.objects.get(key);
    if (!stored) {
      this.requireNamespace(resource, namespace);
      const object = this.admit(resource, namespace, config, undefined);
      this.objects.set(key, { resource, object, owners: [ownership(manager, 'Apply', resource, applied)], observed: false });
      return { object, created: true };
    }
    const live = stored.object;
    const conflicts: string[] = [];
    for (const owner of stored.owners) {
      if (owner.manager === manager && owner.operation === 'Apply') continue;
      for (const [id, path] of applied) {
        if (owner.paths.has(id) && !sameValue(getPath(live, path), getPath(config, path))) {
          conflicts.push(`conflict with "${owner.manager}"${owner.operation === 'Update' ? ' using ' + owner.apiVersion : ''}: ${dotted(path)}`);
        }
      }
    }
    if (conflicts.length > 0 && !force) {
      throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.join('\n')}`, {
        name, group: resource.group, kind: resource.plural,
      });
    }
    const next = structuredClone(live);
    const mine = stored.owners.find((o) => o.manager === manager && o.operation === 'Apply');
    for (const [id, path] of mine?.paths ?? new Map<string, Path>()) {
      const sharedWithOthers = stored.owners.some((o) => o !== mine && o.paths.has(id));
      if (!applied.has(id) && !sharedWithOthers) deletePath(next, path);
    }
    for (const [, path] of applied) setPath(next, path, structuredClone(getPath(config, path)));
    const object = this.admit(resource, namespace, next, live);
    for (const owner of stored.owners) {
      if (owner === mine) continue;
      for (const id of applied.keys()) {
        const path = owner.paths.get(id);
        if (path && (force || !sameValue(getPath(live, path), getPath(config, path)))) owner.paths.delete(id);
      }
    }
    const owners = stored.owners.filter((o) => o !== mine && o.paths.size > 0);
    owners.push(ownership(manager, 'Apply', resource, applied));
    this.markSpecChange(stored, object);
    stored.object = object;
    stored.owners = owners;
    return { object, created: false };
  }

  remove(resource: ResourceType, namespace: string | undefined, name: string): Json {
    const stored = this.stored(resource, namespace, name);
    this.objects.delete(ObjectStore.key(resource, namespace, name));
    const meta = stored.object.metadata as Json;
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
      details: { name, group: resource.group, kind: resource.plural, uid: meta.uid },
    };
  }

  /**
   * A controller's write (status, pods, events; see scale-scenario.ts): stored as given with a new
   * resourceVersion, no validation or field ownership, as the kube-controller-manager's writes look.
   */
  put(resource: ResourceType, namespace: string | undefined, object: Json): Json {
    const meta = (object.metadata ?? {}) as Json;
    const key = ObjectStore.key(resource, namespace, String(meta.name));
    const prevMeta = (this.objects.get(key)?.object.metadata ?? {}) as Json;
    this.resourceVersion += 1;
    const stored = structuredClone(object);
    stored.metadata = {
      ...meta,
      ...(resource.namespaced ? { namespace } : {}),
      uid: prevMeta.uid ?? meta.uid ?? randomUUID(),
      resourceVersion: String(this.resourceVersion),
      creationTimestamp: prevMeta.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    this.objects.set(key, { resource, object: stored, owners: this.objects.get(key)?.owners ?? [] });
    return stored;
  }

  /** A fresh resourceVersion (a deletion's, for the watch feed). */
  nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  /** One controller step: each Deployment's ready count moves one replica toward spec; HPAs follow. */
  tick(): void {
    for (const stored of this.objects.values()) {
      const { object } = stored;
      if (stored.resource.kind === 'Deployment' && stored.observed !== false) this.stepDeployment(object);
    }
    for (const stored of this.objects.values()) {
      if (stored.resource.kind === 'HorizontalPodAutoscaler') this.stepAutoscaler(stored.object);
    }
  }

  /** The managedFields entries as the API server renders them (FieldsV1). */
  private render(stored: Stored): void {
    (stored.object.metadata as Json).managedFields = stored.owners.map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: fieldsV1([...o.paths.values()]),
    }));
  }

  private update(stored: Stored, namespace: string | undefined, next: Json, manager: string): Json {
    const before = leaves(stored.object);
    const object = this.admit(stored.resource, namespace, next, stored.object);
    const changed = [...leaves(object)].filter(([id, path]) => !before.has(id) || !sameValue(getPath(stored.object, path), getPath(object, path)));
    if (changed.length > 0) {
      for (const owner of stored.owners) for (const [id] of changed) owner.paths.delete(id);
      let entry = stored.owners.find((o) => o.manager === manager && o.operation === 'Update');
      if (!entry) {
        entry = ownership(manager, 'Update', stored.resource, new Map());
        stored.owners.push(entry);
      }
      for (const [id, path] of changed) entry.paths.set(id, path);
      entry.time = new Date().toISOString();
      stored.owners = stored.owners.filter((o) => o.paths.size > 0);
    }
    this.markSpecChange(stored, object);
    stored.object = object;
    this.render(stored);
    return object;
  }

  /** A new generation (spec change) waits for a client's read before the controller steps. */
  private markSpecChange(stored: Stored, next: Json): void {
    const generation = (o: Json): unknown => (o.metadata as Json).generation;
    if (generation(next) !== generation(stored.object)) stored.observed = false;
  }

  private stored(resource: ResourceType, namespace: string | undefined, name: string): Stored {
    const stored = this.objects.get(ObjectStore.key(resource, namespace, name));
    if (!stored) {
      throw new ApiError(404, 'NotFound', `${kindRef(resource)} "${name}" not found`, { name, group: resource.group, kind: resource.plural });
    }
    this.render(stored);
    return stored;
  }

  private checkIdentity(resource: ResourceType, namespace: string | undefined, body: Json, name?: string): void {
    if (body.apiVersion !== apiVersionOf(resource) || body.kind !== resource.kind) {
      throw new ApiError(400, 'BadRequest', `the API version in the data (${String(body.apiVersion)}) and kind (${String(body.kind)}) do not match ${apiVersionOf(resource)}, Kind=${resource.kind}`);
    }
    const meta = (body.metadata ?? {}) as Json;
    if (meta.namespace !== undefined && resource.namespaced && meta.namespace !== namespace) {
      throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    if (name !== undefined && meta.name !== name) {
      throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    }
  }

  /** The NamespaceLifecycle admission plugin: nothing is created in a namespace that does not exist. */
  private requireNamespace(resource: ResourceType, namespace: string | undefined): void {
    if (!resource.namespaced || namespace === undefined) return;
    if ([...this.objects.values()].some((s) => s.resource.kind === 'Namespace' && (s.object.metadata as Json).name === namespace)) return;
    throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
  }

  private checkResourceVersion(stored: Stored, body: Json): void {
    const sent = (body.metadata as Json | undefined)?.resourceVersion;
    if (sent !== undefined && sent !== (stored.object.metadata as Json).resourceVersion) {
      const name = String((stored.object.metadata as Json).name);
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${kindRef(stored.resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
  }

  /** Validation + defaulting + server-owned fields; throws 422 for an invalid object. */
  private admit(resource: ResourceType, namespace: string | undefined, body: Json, previous: Json | undefined): Json {
    const name = String((body.metadata as Json).name);
    const unknown = unknownFieldCauses(stripServerFields(body));
    const causes = [...unknown, ...validate(resource.kind, body, previous)];
    if (causes.length > 0) throw invalid(resource.kind, name, causes, resource.group);
    return this.withServerFields(resource, namespace, body, previous);
  }

  private withServerFields(resource: ResourceType, namespace: string | undefined, body: Json, previous: Json | undefined): Json {
    const object = structuredClone(body);
    const prevMeta = (previous?.metadata ?? {}) as Json;
    const meta = (object.metadata ?? {}) as Json;
    this.resourceVersion += 1;
    object.metadata = {
      ...meta,
      ...(resource.namespaced ? { namespace } : {}),
      uid: prevMeta.uid ?? randomUUID(),
      resourceVersion: String(this.resourceVersion),
      creationTimestamp: prevMeta.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    delete (object.metadata as Json).managedFields;
    if (resource.kind === 'Deployment' || resource.kind === 'HorizontalPodAutoscaler') {
      const specChanged = !previous || JSON.stringify(previous.spec) !== JSON.stringify(object.spec);
      const generation = typeof prevMeta.generation === 'number' ? prevMeta.generation : 0;
      (object.metadata as Json).generation = specChanged ? generation + 1 : generation;
      object.status = previous?.status ?? {};
    }
    if (resource.kind === 'Deployment') {
      const spec = object.spec as Json;
      if (spec.replicas === undefined) spec.replicas = ((previous?.spec as Json | undefined)?.replicas as number | undefined) ?? 1;
    }
    if (resource.kind === 'Service') this.defaultService(object, previous);
    // A write that changes nothing keeps the resourceVersion, as the real server does (no-op apply).
    if (previous && sameValue(withoutVersion(previous), withoutVersion(object))) {
      (object.metadata as Json).resourceVersion = prevMeta.resourceVersion;
    }
    return object;
  }

  /** ClusterIP and NodePorts are allocated once and kept across applies, as the real allocator does. */
  private defaultService(object: Json, previous: Json | undefined): void {
    const spec = object.spec as Json;
    const prevSpec = (previous?.spec ?? {}) as Json;
    spec.type ??= 'ClusterIP';
    spec.clusterIP ??= prevSpec.clusterIP ?? `10.96.0.${this.nextClusterIp++}`;
    const prevPorts = (prevSpec.ports ?? []) as Json[];
    for (const port of (spec.ports ?? []) as Json[]) {
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        port.nodePort ??= prevPorts.find((p) => p.port === port.port)?.nodePort ?? this.nextNodePort++;
      }
    }
  }

  private stepDeployment(object: Json): void {
    const meta = object.metadata as Json;
    const spec = object.spec as Json;
    const status = (object.status ?? {}) as Json;
    const desired = Number(spec.replicas ?? 1);
    const name = String(meta.name);
    const cap = this.blocked.has(name) ? 0 : this.unready.has(name) ? Math.min(1, desired) : desired;
    const ready = Number(status.readyReplicas ?? 0);
    const nextReady = ready > cap ? cap : Math.min(cap, ready + 1);
    const next: Json = {
      observedGeneration: meta.generation,
      replicas: desired,
      updatedReplicas: desired,
      readyReplicas: nextReady,
      availableReplicas: nextReady,
      unavailableReplicas: desired - nextReady,
    };
    if (JSON.stringify(next) !== JSON.stringify(status)) {
      object.status = next;
      this.resourceVersion += 1;
      meta.resourceVersion = String(this.resourceVersion);
    }
  }

  private stepAutoscaler(object: Json): void {
    const meta = object.metadata as Json;
    const ref = ((object.spec as Json).scaleTargetRef ?? {}) as Json;
    const target = this.objects.get(`deployments/${String(meta.namespace)}/${String(ref.name)}`);
    const replicas = Number(((target?.object.spec ?? {}) as Json).replicas ?? 0);
    object.status = { observedGeneration: meta.generation, currentReplicas: replicas, desiredReplicas: replicas, currentMetrics: null };
  }
}

function invalid(kind: string, name: string, causes: Cause[], group: string, message?: string): ApiError {
  const groupSuffix = group ? `.${group}` : '';
  const text = message ?? `${kind}${groupSuffix} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`;
  return new ApiError(422, 'Invalid', text, { name, group, kind, causes });
}

function kindRef(resource: ResourceType): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

function ownership(manager: string, operation: 'Apply' | 'Update', resource: ResourceType, paths: Map<string, Path>): Ownership {
  return { manager, operation, apiVersion: apiVersionOf(resource), paths, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
}

/** The leaf paths (scalars, lists, empty maps) a client can own, keyed by their JSON form. */
function leaves(object: Json): Map<string, Path> {
  const out = new Map<string, Path>();
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    } else {
      out.set(JSON.stringify(path), path);
    }
  };
  for (const root of OWNED_ROOTS) if (object[root] !== undefined) walk(object[root], [root]);
  const meta = (object.metadata ?? {}) as Json;
  for (const field of OWNED_METADATA) if (meta[field] !== undefined) walk(meta[field], ['metadata', field]);
  return out;
}

function stripServerFields(object: Json): Json {
  const copy = structuredClone(object);
  delete copy.status;
  const meta = (copy.metadata ?? {}) as Json;
  for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'namespace']) delete meta[f];
  const spec = copy.spec as Json | undefined;
  if (copy.kind === 'Service' && spec) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  return copy;
}

function getPath(object: unknown, path: Path): unknown {
  let value: unknown = object;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Json)[key];
  }
  return value;
}

function setPath(object: Json, path: Path, value: unknown): void {
  let node = object;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]] = value;
}

function deletePath(object: Json, path: Path): void {
  const parent = getPath(object, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) delete (parent as Json)[path[path.length - 1]];
}

function withoutVersion(object: Json): Json {
  const meta = { ...(object.metadata as Json) };
  delete meta.resourceVersion;
  delete meta.managedFields;
  return { ...object, metadata: meta };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function dotted(path: Path): string {
  return path.map((p) => `.${p}`).join('');
}

function fieldsV1(paths: Path[]): Json {
  const root: Json = {};
  for (const path of paths) {
    let node = root;
    for (const key of path) {
      node[`f:${key}`] ??= {};
      node = node[`f:${key}`] as Json;
    }
  }
  return root;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Json = typeof target === 'object' && target !== null && !Array.isArray(target) ? (target as Json) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function parseSelector(selector: string | undefined): [string, string][] {
  if (!selector) return [];
  return selector.split(',').map((term) => {
    const [k, v] = term.split('=');
    return [k.trim(), (v ?? '').trim()];
  });
}
