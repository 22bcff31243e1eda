/** `runner.clients`: Locust's `WorkerNodes` mapping of a master's workers, camelCase. */

/** One worker as a master sees it (Locust's `WorkerNode`, camelCase). */
export interface WorkerNodeInfo {
  readonly id: string;
  /** ready, spawning, running, stopped or missing */
  readonly state: string;
  readonly userCount: number;
  readonly userClassesCount: Readonly<Record<string, number>>;
  /** heartbeat credit left (Locust's `heartbeat`: reset on each heartbeat, counts down when they stop) */
  readonly heartbeat: number;
  readonly cpuUsage: number;
  readonly memoryUsage: number;
  /** the index the master gave it */
  readonly workerIndex: number;
}

/**
 * `runner.clients` (Locust's `WorkerNodes`, a mapping of client id → node): iterating it gives
 * the client ids, so `for (const id of runner.clients) runner.sendMessage(type, data, id)` works
 * as Locust's `for worker in runner.clients`.
 */
export interface WorkerNodes extends Iterable<string> {
  /** how many (Locust's `len(clients)`), missing ones included */
  readonly size: number;
  get(clientId: string): WorkerNodeInfo | undefined;
  has(clientId: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<WorkerNodeInfo>;
  entries(): IterableIterator<[string, WorkerNodeInfo]>;
  readonly all: WorkerNodeInfo[];
  readonly ready: WorkerNodeInfo[];
  readonly spawning: WorkerNodeInfo[];
  readonly running: WorkerNodeInfo[];
  readonly missing: WorkerNodeInfo[];
}

/** A {@link WorkerNodes} over a list read at each call (the runner's table, or none). */
export function workerNodes(list: () => readonly WorkerNodeInfo[]): WorkerNodes {
  const byId = () => new Map(list().map((n) => [n.id, n] as [string, WorkerNodeInfo]));
  const inState = (state: string) => list().filter((n) => n.state === state);
  return {
    [Symbol.iterator]: () => byId().keys(),
    get size() {
      return list().length;
    },
    get: (id) => byId().get(id),
    has: (id) => byId().has(id),
    keys: () => byId().keys(),
    values: () => byId().values(),
    entries: () => byId().entries(),
    get all() {
      return [...list()];
    },
    get ready() {
      return inState('ready');
    },
    get spawning() {
      return inState('spawning');
    },
    get running() {
      return inState('running');
    },
    get missing() {
      return inState('missing');
    },
  };
}
