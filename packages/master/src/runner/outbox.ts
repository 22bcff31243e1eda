/**
 * Everything the master sends leaves through the outbox: typed by the protocol's message map,
 * failures logged (never thrown into a handler), and the sends a ramp awaits kept in flight so
 * that quitting lets them leave before the socket closes.
 */
import type { MasterMessageMap, MasterMessageType, MasterSocket } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';

export class Outbox {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly socket: MasterSocket,
    private readonly log: MasterLogger,
  ) {}

  /** Queue a message to one worker without waiting for it (the socket keeps the order). */
  post<K extends MasterMessageType>(clientId: string, type: K, data: MasterMessageMap[K]): void {
    this.postCustom(clientId, type, data);
  }

  /** A message type the protocol map does not know: a custom message (Locust's `send_message`). */
  postCustom(clientId: string, type: string, data: unknown): void {
    this.socket.post(clientId, type, data, this.sendFailed);
  }

  private readonly sendFailed = (err: Error, clientId: string, type: string): void =>
    this.log.error(`Error sending ${type} message to worker ${clientId}: ${err.message}`);

  /** Send and resolve once the message left; a failure is logged and the promise still resolves. */
  send<K extends MasterMessageType>(clientId: string, type: K, data: MasterMessageMap[K]): Promise<void> {
    const p = this.socket
      .send(clientId, type, data)
      .catch((err: unknown) => this.log.error(`Error sending ${type} message to worker ${clientId}: ${(err as Error).message}`));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Sends still leaving (awaited ones). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves once every awaited send so far has settled. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
