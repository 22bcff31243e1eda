/**
 * Routes each received message to its handler: Locust's message types through the typed table
 * of handlers.ts, others to the handlers registered for custom messages (spec §3.15), and
 * undecodable frames to a `reconnect` for a known sender (spec §3.11). Nothing a worker sends
 * throws out of here.
 */
import { type BadFrame, type CustomMessage, type WorkerMessage, isCustom } from '@locust-ts/protocol';
import { type HandlerContext, MASTER_HANDLERS } from './handlers.js';
import type { Outbox } from './outbox.js';

/** A master-side handler for a custom message type (Locust's `register_message`). */
export type CustomMessageHandler = (message: { type: string; data: unknown; nodeId: string }) => void;

type AnyHandler = (ctx: HandlerContext, data: unknown, nodeId: string, identity: string) => void;

export class MessageRouter {
  private readonly customHandlers = new Map<string, CustomMessageHandler>();

  constructor(
    private readonly ctx: HandlerContext,
    private readonly outbox: Outbox,
    /** runs after every message (the runner's state check, spec §7.3) */
    private readonly afterMessage: (message: WorkerMessage | CustomMessage) => void,
  ) {}

  /** Register a handler for a custom message type from workers (spec §3.15). */
  register(type: string, handler: CustomMessageHandler): void {
    if (this.customHandlers.has(type)) throw new Error(`A message handler for '${type}' is already registered`);
    if (Object.prototype.hasOwnProperty.call(MASTER_HANDLERS, type)) throw new Error(`'${type}' is a Locust message type`);
    this.customHandlers.set(type, handler);
  }

  route(message: WorkerMessage | CustomMessage, identity: string): void {
    if (isCustom(message)) this.routeCustom(message);
    else {
      // the table is keyed by the message type, so the handler matches the data's type
      const handler = MASTER_HANDLERS[message.type] as AnyHandler;
      handler(this.ctx, message.data, message.nodeId, identity);
    }
    this.afterMessage(message);
  }

  private routeCustom(message: CustomMessage): void {
    const log = this.ctx.log;
    const handler = this.customHandlers.get(message.type);
    if (!handler) {
      const node = this.ctx.registry.get(message.nodeId);
      log.warning(`Unknown message type received from worker ${message.nodeId} (index ${node?.index ?? '?'}): ${message.type}`);
      return;
    }
    log.debug(() => `Received ${message.type} message from worker ${message.nodeId}`);
    try {
      handler({ type: message.type, data: message.data, nodeId: message.nodeId });
    } catch (err) {
      log.error(`Uncaught exception in handler for ${message.type}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /** Undecodable frames: a known sender is told to `reconnect` (spec §3.11); nothing else happens. */
  badFrame(bad: BadFrame): void {
    const known = bad.identity !== '' && this.ctx.registry.has(bad.identity);
    if (bad.corrupt && known) {
      this.ctx.log.error(`ZMQ interrupted or corrupted message from ${bad.identity}: ${bad.error.message}. Will reset client ${bad.identity}.`);
      this.outbox.post(bad.identity, 'reconnect', null);
      return;
    }
    const from = bad.identity ? ` from ${JSON.stringify(bad.identity)}` : '';
    this.ctx.log.error(`Unrecognized message detected${from}: ${bad.error.message}`);
  }
}
