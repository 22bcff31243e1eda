/**
 * What the worker does with each message its master sends (spec §3): one small handler per
 * message type, in a table typed by the protocol's message map.
 */
import type { MasterMessageMap, SpawnData, UpdateUserClassData } from '@locust-ts/protocol';
import type { Logger } from '../logger.js';
import { UserClassUpdateError, applyUserClassUpdate } from '../runtime/user-class-update.js';
import type { UserPool } from '../runtime/user-pool.js';
import type { EdgeSpawner } from './edge-spawn.js';
import type { MasterLink } from './master-link.js';
import type { WorkerEnvironment } from './worker-environment.js';

/** The worker as its handlers see it. */
export interface WorkerHandlerContext {
  readonly logger: Logger;
  /** a local run's in-process worker (its link lines are debug lines) */
  readonly local: boolean;
  readonly link: MasterLink;
  readonly edges: EdgeSpawner;
  readonly locust: WorkerEnvironment;
  readonly pool: UserPool;
  /** the index the master's `ack` assigned (spec §3.1) */
  workerIndex: number;
  /** a promise while the spawn waits for async `testStart` listeners (later messages wait too) */
  spawn(data: SpawnData): void | Promise<void>;
  stop(): Promise<void>;
  quitByMaster(): void;
}

/** A handler returning a promise holds the later messages until it settles (Locust's worker loop handles one at a time). */
type Handler<K extends keyof MasterMessageMap> = (ctx: WorkerHandlerContext, data: MasterMessageMap[K]) => void | Promise<void>;
export type WorkerHandlerTable = { [K in keyof MasterMessageMap]: Handler<K> };

/** The web UI edited a user class (spec §3.12): apply it to the running and future users. */
function updateUserClass(ctx: WorkerHandlerContext, data: UpdateUserClassData): void {
  const name = data.user_class_name;
  const info = ctx.pool.classInfo(name);
  if (!info) {
    ctx.logger.warning(`Ignoring update_user_class for unknown user class '${name}' (this worker has ${ctx.pool.classNames.join(', ')})`);
    return;
  }
  let result;
  try {
    result = applyUserClassUpdate(info, data);
  } catch (err) {
    if (!(err instanceof UserClassUpdateError)) throw err;
    ctx.logger.warning(`Ignoring update_user_class for ${name}: ${err.message}`);
    return;
  }
  for (const warning of result.warnings) ctx.logger.warning(`update_user_class for ${name}: ${warning}`);
  ctx.logger.info(`Updated user class ${name}: ${result.changes.join('; ') || 'nothing to change'}`);
}

export const WORKER_HANDLERS: WorkerHandlerTable = {
  ack: (ctx, data) => {
    if (data.index !== undefined) ctx.workerIndex = data.index;
    ctx.link.acknowledged(ctx.workerIndex);
  },
  heartbeat: (ctx, data) => {
    ctx.link.heartbeatReceived();
    ctx.edges.onHeartbeatReply(data);
    ctx.locust.heartbeatReceived();
  },
  spawn: (ctx, data) => ctx.spawn(data),
  spawning_complete: (ctx, data) => {
    ctx.logger.debug('Master finished spawning');
    ctx.locust.spawningComplete(data);
  },
  stop: (ctx) => void ctx.stop(),
  quit: (ctx) => {
    const line = 'Got quit message from master, shutting down...';
    if (ctx.local) ctx.logger.debug(line);
    else ctx.logger.info(line);
    ctx.quitByMaster();
  },
  reconnect: (ctx) => {
    ctx.logger.warning('Received reconnect message from master. Resetting RPC connection.');
    ctx.link.reset();
  },
  update_user_class: updateUserClass,
  locustfile: (ctx) => ctx.logger.debug('Ignoring a locustfile reply (this worker loads its own locustfile)'),
};
