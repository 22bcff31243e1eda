/**
 * What the master does with each message a worker sends (spec §3): one small handler per
 * message type, in a table typed by the protocol's message map. A handler never throws at a
 * message from an unknown or removed worker (Locust's receive loop dies there, spec §10.12).
 */
import {
  CPU_WARNING_THRESHOLD,
  HEARTBEAT_LIVENESS,
  type HeartbeatReplyData,
  type LocustfileReplyData,
  type MasterMessageMap,
  nowSeconds,
  type WorkerMessageMap,
  type WorkerMessageType,
  versionNotice,
} from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import { WORKER_STATE, type WorkerNode, type WorkerRegistry } from './worker-registry.js';

/** The master as its handlers see it. */
export interface HandlerContext {
  readonly registry: WorkerRegistry;
  readonly log: MasterLogger;
  /** a local run (Locust's LocalRunner to the person watching): workers coming and going are debug lines */
  readonly local: boolean;
  /** reply `heartbeat` to worker heartbeats (newest protocol; 2.12.1 workers log it as unknown) */
  readonly heartbeatReplies: boolean;
  send<K extends 'ack' | 'heartbeat' | 'quit' | 'locustfile'>(clientId: string, type: K, data: MasterMessageMap[K]): void;
  /** the data of the heartbeat reply to a worker: a clock sample for locust-ts workers, else null (edge-sync.ts) */
  heartbeatReply(node: WorkerNode, data: WorkerMessageMap['heartbeat']): HeartbeatReplyData | null;
  /** a worker registered (or re-registered): give it users if a test runs */
  workerReady(node: WorkerNode, alreadyKnown: boolean): void;
  /** a missing worker sent a heartbeat again */
  workerHealed(node: WorkerNode): void;
  /** a worker this master never registered sent `type` (a restarted master's old worker?) */
  unknownSender(nodeId: string, type: 'heartbeat' | 'stats'): void;
  /** a worker that had stopped (no record until its next client_ready) quit */
  stoppedWorkerQuit(nodeId: string): void;
  /** a worker stopped (`client_stopped`) or quit: its record is already deleted */
  workerGone(node: WorkerNode, reason: 'stopped' | 'quit'): void;
  mergeStats(nodeId: string, data: WorkerMessageMap['stats']): void;
  logException(nodeId: string, msg: string, traceback: string): void;
  storeLogs(workerId: string, lines: string[]): void;
  /** reply to a `-f -` worker asking for the locustfile (newest Locust, spec §3.14) */
  locustfileReply(): LocustfileReplyData;
}

type Handler<K extends WorkerMessageType> = (ctx: HandlerContext, data: WorkerMessageMap[K], nodeId: string, identity: string) => void;
export type HandlerTable = { [K in WorkerMessageType]: Handler<K> };

/** A worker came or went: news on a master, an implementation detail of a local run. */
function workerLine(ctx: HandlerContext, line: string): void {
  if (ctx.local) ctx.log.debug(line);
  else ctx.log.info(line);
}

function describe(ctx: HandlerContext, id: string): string {
  return `${id} (index ${ctx.registry.indexOf(id)})`;
}

function clientReady(ctx: HandlerContext, version: WorkerMessageMap['client_ready'], _nodeId: string, identity: string): void {
  // Locust fails to decode such an identity; an `ack` could not even be routed back to it
  if (identity === '' || identity.includes('\uFFFD')) {
    ctx.log.error(`Ignoring client_ready from a worker whose identity is empty or not valid UTF-8 (${JSON.stringify(identity)})`);
    return;
  }
  // Locust's check, with locust-ts workers compared by their own release (versions.ts)
  const notice = versionNotice(identity, version);
  if (notice?.level === 'warning') ctx.log.warning(notice.text);
  else if (notice?.level === 'info') ctx.log.info(notice.text);
  else if (notice) ctx.log.debug(notice.text);
  const alreadyKnown = ctx.registry.has(identity);
  ctx.send(identity, 'ack', { index: ctx.registry.indexOf(identity) });
  const node = ctx.registry.register(identity, version);
  ctx.workerReady(node, alreadyKnown);
}

function heartbeat(ctx: HandlerContext, data: WorkerMessageMap['heartbeat'], nodeId: string): void {
  const node = ctx.registry.get(nodeId);
  if (!node) {
    ctx.log.debug(() => `Got heartbeat message from unknown worker ${nodeId}`);
    ctx.unknownSender(nodeId, 'heartbeat');
    return;
  }
  node.heartbeat = HEARTBEAT_LIVENESS;
  node.lastHeartbeatAt = nowSeconds();
  const wasMissing = node.state === WORKER_STATE.missing;
  node.state = data.state;
  if (wasMissing) {
    ctx.log.info(`Worker ${nodeId} self-healed with heartbeat, setting state to ${data.state}.`);
    ctx.workerHealed(node);
  }
  node.cpuUsage = data.current_cpu_usage;
  if (!node.cpuWarningEmitted && node.cpuUsage > CPU_WARNING_THRESHOLD) {
    node.cpuWarningEmitted = true;
    ctx.log.warning(`Worker ${describe(ctx, nodeId)} exceeded cpu threshold (will only log this once per worker)`);
  }
  if (data.current_memory_usage !== undefined) node.memoryUsage = data.current_memory_usage;
  // only the newest protocol has master heartbeats: a 2.12 worker logs each one as unknown (K4)
  if (ctx.heartbeatReplies && node.dialect.protocol === 'newest') ctx.send(nodeId, 'heartbeat', ctx.heartbeatReply(node, data));
}

function stats(ctx: HandlerContext, data: WorkerMessageMap['stats'], nodeId: string): void {
  const node = ctx.registry.get(nodeId);
  if (!node && !ctx.registry.wasRegistered(nodeId)) {
    // Locust merges any sender's statistics; one that never registered here reports another
    // run's (a restarted master's old workers): counting them would mix two tests
    ctx.log.debug(() => `Discarded report from unrecognized worker ${nodeId}`);
    ctx.unknownSender(nodeId, 'stats');
    return;
  }
  // a worker between client_stopped and its client_ready has no record, but its numbers are this run's
  ctx.mergeStats(nodeId, data);
  if (!node) return;
  // the parser built this object for this message alone: no copy needed
  node.userClassesCount = data.user_classes_count;
  node.numRequests += data.stats_total.num_requests;
  node.numFailures += data.stats_total.num_failures;
}

function spawning(ctx: HandlerContext, _data: null, nodeId: string): void {
  const node = ctx.registry.get(nodeId);
  if (node) {
    node.state = WORKER_STATE.spawning;
    return;
  }
  ctx.log.warning(`Got spawning message from unknown worker ${nodeId}. Asking worker to quit.`);
  ctx.send(nodeId, 'quit', null);
}

function spawningComplete(ctx: HandlerContext, data: WorkerMessageMap['spawning_complete'], nodeId: string): void {
  const node = ctx.registry.get(nodeId);
  if (node) {
    node.state = WORKER_STATE.running;
    node.userClassesCount = data.user_classes_count;
    return;
  }
  // Locust's receive loop dies here (KeyError); the fix upstream ignores the sender and asks it to quit
  ctx.log.warning(`Got spawning_complete message from unknown worker ${nodeId}. Asking worker to quit.`);
  ctx.send(nodeId, 'quit', null);
}

function clientStopped(ctx: HandlerContext, _data: null, nodeId: string): void {
  const node = ctx.registry.get(nodeId);
  if (!node) {
    ctx.log.warning(`Received client_stopped message from an unknown worker: ${nodeId}.`);
    return;
  }
  ctx.registry.delete(nodeId);
  workerLine(ctx, `${describe(ctx, nodeId)} reported that it has stopped`);
  ctx.workerGone(node, 'stopped');
}

function quit(ctx: HandlerContext, _data: null, nodeId: string): void {
  const node = ctx.registry.get(nodeId);
  if (!node) {
    ctx.log.debug(() => `Received quit message from an unknown worker: ${nodeId}.`);
    ctx.stoppedWorkerQuit(nodeId);
    return;
  }
  ctx.registry.delete(nodeId);
  workerLine(ctx, `Worker '${nodeId}' (index ${node.index}) quit. ${ctx.registry.countInState(WORKER_STATE.ready)} workers ready.`);
  ctx.workerGone(node, 'quit');
}

function exception(ctx: HandlerContext, data: WorkerMessageMap['exception'], nodeId: string): void {
  ctx.logException(nodeId, data.msg, data.traceback);
}

function logs(ctx: HandlerContext, data: WorkerMessageMap['logs'], nodeId: string): void {
  ctx.storeLogs(data.worker_id || nodeId, data.logs);
}

function locustfile(ctx: HandlerContext, data: WorkerMessageMap['locustfile'], _nodeId: string, identity: string): void {
  ctx.log.debug(() => `Worker requested locust file (version ${data?.version ?? 'unknown'})`);
  ctx.send(identity, 'locustfile', ctx.locustfileReply());
}

export const MASTER_HANDLERS: HandlerTable = {
  client_ready: clientReady,
  heartbeat,
  stats,
  spawning,
  spawning_complete: spawningComplete,
  client_stopped: clientStopped,
  quit,
  exception,
  logs,
  locustfile,
};
