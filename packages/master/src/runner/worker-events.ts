/**
 * The master as its message handlers see it (handlers.ts' {@link HandlerContext}): what a
 * worker registering, healing, stopping or quitting means for the test, and where its stats,
 * exceptions and logs go. Private to the runner: nothing outside runner/ calls these.
 */
import {
  type HeartbeatReplyData,
  type LocustfileReplyData,
  type MasterMessageMap,
  type RequestStats,
  type WorkerMessageMap,
} from '@locust-ts/protocol';
import type { EdgeSync } from '../edges/edge-sync.js';
import type { MasterLogger } from '../log/master-logger.js';
import type { ArrivalRateController } from './arrival-rate.js';
import type { ExceptionTable } from './exceptions.js';
import type { HandlerContext } from './handlers.js';
import { locustfileReply } from './locustfile-distribution.js';
import type { MasterEnvironment } from './master-environment.js';
import type { Outbox } from './outbox.js';
import type { Ramp } from './ramp.js';
import { STOPPED_WORKER_EXTRA_GRACE_SECONDS, UnknownSenders } from './unknown-senders.js';
import type { WorkerNode, WorkerRegistry } from './worker-registry.js';

/** What the handlers' effects reach in the runner. */
export interface WorkerEventsDeps {
  registry: WorkerRegistry;
  log: MasterLogger;
  /** a local run: workers coming and going are debug lines */
  local: boolean;
  heartbeatReplies: boolean;
  outbox: Outbox;
  locust: MasterEnvironment;
  edgeSync: EdgeSync;
  ramp: Ramp;
  arrival: ArrivalRateController;
  stats: RequestStats;
  exceptionTable: ExceptionTable;
  workerLogs: Map<string, string[]>;
  locustfile: string;
  stopTimeout: number;
  headless: boolean;
  quitting(): boolean;
  testStarted(): boolean;
  /** the worker set changed during a test: dispatch again (runner) */
  redispatch(): void;
  stop(): Promise<void>;
  quit(): Promise<void>;
}

export class WorkerEvents implements HandlerContext {
  readonly registry: WorkerRegistry;
  readonly log: MasterLogger;
  readonly local: boolean;
  readonly heartbeatReplies: boolean;
  private readonly unknownSenders = new UnknownSenders();
  /** workers between `client_stopped` and their next `client_ready` (no record, but still ours) */
  readonly stoppedIds = new Set<string>();
  /** called after each `client_ready` (the runner's {@link MasterRunner.whenWorkersReady}) */
  readonly readyListeners = new Set<() => void>();

  constructor(private readonly deps: WorkerEventsDeps) {
    this.registry = deps.registry;
    this.log = deps.log;
    this.local = deps.local;
    this.heartbeatReplies = deps.heartbeatReplies;
  }

  send<K extends 'ack' | 'heartbeat' | 'quit' | 'locustfile'>(clientId: string, type: K, data: MasterMessageMap[K]): void {
    if (type === 'heartbeat') this.deps.locust.heartbeatSent(clientId);
    this.deps.outbox.post(clientId, type, data);
  }

  heartbeatReply(node: WorkerNode, data: WorkerMessageMap['heartbeat']): HeartbeatReplyData | null {
    return this.deps.edgeSync.heartbeatReply(node, data);
  }

  workerReady(node: WorkerNode, alreadyKnown: boolean): void {
    const { ramp, arrival, locust } = this.deps;
    this.unknownSenders.forget(node.id);
    this.stoppedIds.delete(node.id);
    ramp.forget(node.id);
    arrival.workersChanged(node.id);
    locust.workerConnect(node.id);
    const connected = this.registry.activeCount();
    const line = `${node.id} (index ${node.index}) reported as ready${alreadyKnown ? ' (duplicate message)' : ''}. ${connected} workers connected.`;
    if (this.local) this.log.debug(line);
    else this.log.info(line);
    for (const listener of this.readyListeners) listener();
    // a worker joining a running test gets users at once (with or without --enable-rebalancing)
    if (ramp.workerJoined(node.id)) this.deps.redispatch();
  }

  unknownSender(nodeId: string, type: 'heartbeat' | 'stats'): void {
    // a worker of this master that stopped registers again by itself after its stop timeout
    const grace = this.registry.wasRegistered(nodeId) ? this.deps.stopTimeout + STOPPED_WORKER_EXTRA_GRACE_SECONDS : undefined;
    if (this.deps.quitting() || !this.unknownSenders.shouldAsk(nodeId, grace)) return;
    this.log.info(`Worker ${nodeId} is not registered here but sends ${type} (its master restarted?): asking it to stop its users and register again`);
    this.deps.outbox.post(nodeId, 'stop', null);
  }

  workerHealed(node: WorkerNode): void {
    this.deps.arrival.workersChanged(node.id);
    if (this.deps.ramp.workerJoined(node.id)) this.deps.redispatch();
  }

  stoppedWorkerQuit(nodeId: string): void {
    this.stoppedIds.delete(nodeId);
  }

  /** A worker stopped or quit, or (`missing`, from liveness.ts) stopped sending heartbeats. */
  workerGone(node: WorkerNode, reason: 'stopped' | 'quit' | 'missing'): void {
    if (reason === 'stopped') this.stoppedIds.add(node.id);
    const { ramp, arrival } = this.deps;
    const dispatched = ramp.workerLeft(node.id);
    arrival.workersChanged(node.id);
    // better than Locust: after a missing worker, the lost users start on the others now (at the spawn rate)
    if (dispatched) this.deps.redispatch();
    if (reason === 'stopped' || this.registry.activeCount() > 0 || !this.deps.testStarted()) return;
    if (reason === 'missing') {
      this.log.info('The last worker went missing, stopping test.');
      void this.deps.stop();
    } else if (!this.deps.quitting()) {
      this.log.info('The last worker quit, stopping test.');
      void this.deps.stop().then(() => {
        if (this.deps.headless) void this.deps.quit();
      });
    }
  }

  mergeStats(nodeId: string, data: WorkerMessageMap['stats']): void {
    this.deps.stats.mergeReport(data);
    this.deps.arrival.addDropped(data.locust_ts_dropped);
    this.deps.locust.workerReport(nodeId, data);
  }

  logException(nodeId: string, msg: string, traceback: string): void {
    this.deps.exceptionTable.log(nodeId, msg, traceback);
  }

  storeLogs(workerId: string, lines: string[]): void {
    this.deps.workerLogs.set(workerId, lines);
  }

  locustfileReply(): LocustfileReplyData {
    return locustfileReply(this.deps.locustfile);
  }
}
