/**
 * ZeroMQ transport (spec §1): the master's ROUTER and the worker's DEALER.
 * The only module that touches sockets; it hands typed messages upward and never throws
 * a bad frame out of its receive loop.
 */
import { Dealer, Router } from 'zeromq';
import { decodeMessage, encodeMessage } from './codec.js';
import { TCP_KEEPALIVE_IDLE } from './constants.js';
import { FrameDecodeError, MessageValidationError } from './errors.js';
import {
  type CustomMessage,
  type MasterMessage,
  type MasterMessageMap,
  type WorkerMessage,
  type WorkerMessageMap,
  parseMasterMessage,
  parseWorkerMessage,
} from './messages.js';

/** Locust's TCP keepalive on both sides (spec §1.3). */
const SOCKET_OPTIONS = { tcpKeepalive: 1, tcpKeepaliveIdle: TCP_KEEPALIVE_IDLE } as const;

/** A frame that could not be turned into a message: why, and who sent it. */
export interface BadFrame {
  identity: string;
  error: Error;
  /** True for errors Python's decoder also fails on: Locust answers those with `reconnect`. */
  corrupt: boolean;
}

/**
 * Serialises sends: a zeromq v6 socket rejects a send while another is still in flight.
 * The chain never rejects, so one failed send does not poison the next.
 */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  push(fn: () => Promise<void>): Promise<void> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function zmqHost(host: string): string {
  if (host === '' || host === '*' || host === '0.0.0.0') return '*';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export interface MasterSocketOptions {
  /** `--master-bind-host`; '' or '*' binds all interfaces. */
  bindHost?: string;
  /** `--master-bind-port`; 0 picks a free port. */
  port?: number;
}

export interface MasterSocketHandlers {
  onMessage(message: WorkerMessage | CustomMessage, identity: string): void;
  onBadFrame(bad: BadFrame): void;
}

/** The master's ROUTER socket bound on 5557. */
export class MasterSocket {
  private router: Router | null = null;
  private readonly queue = new SendQueue();
  private closed = false;
  /** The endpoint actually bound (port 0 resolved). */
  port = 0;

  constructor(private readonly options: MasterSocketOptions = {}) {}

  async bind(): Promise<number> {
    const host = zmqHost(this.options.bindHost ?? '*');
    const port = this.options.port ?? 5557;
    const router = new Router({ ...SOCKET_OPTIONS, linger: 0, ipv6: host.startsWith('[') });
    await router.bind(`tcp://${host}:${port === 0 ? '*' : port}`);
    this.router = router;
    const endpoint = router.lastEndpoint ?? '';
    this.port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
    return this.port;
  }

  /** Run the receive loop until {@link close}. Handler errors are reported, never fatal. */
  async listen(handlers: MasterSocketHandlers): Promise<void> {
    const router = this.router;
    if (!router) throw new Error('MasterSocket.listen() before bind()');
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await router.receive();
      } catch (err) {
        if (this.closed || router.closed) return;
        handlers.onBadFrame({ identity: '', error: err as Error, corrupt: false });
        continue;
      }
      const identity = frames[0]?.toString('utf8') ?? '';
      const payload = frames[frames.length - 1];
      if (frames.length !== 2 || !payload) {
        handlers.onBadFrame({ identity, error: new FrameDecodeError(`expected 2 frames, got ${frames.length}`), corrupt: true });
        continue;
      }
      let message: WorkerMessage | CustomMessage;
      try {
        message = parseWorkerMessage(decodeMessage(payload));
      } catch (err) {
        handlers.onBadFrame({ identity, error: err as Error, corrupt: err instanceof FrameDecodeError });
        continue;
      }
      try {
        handlers.onMessage(message, identity);
      } catch (err) {
        handlers.onBadFrame({ identity, error: err as Error, corrupt: false });
      }
    }
  }

  /** Send a typed message to one worker; the node_id in the envelope is the recipient (spec §2.1). */
  send<K extends keyof MasterMessageMap>(clientId: string, type: K, data: MasterMessageMap[K]): Promise<void> {
    return this.sendRaw(clientId, type, data);
  }

  /** Send a custom (or not yet typed) message. */
  sendRaw(clientId: string, type: string, data: unknown): Promise<void> {
    const payload = encodeMessage(type, data, clientId);
    return this.queue.push(async () => {
      if (!this.router || this.closed) return;
      await this.router.send([clientId, payload]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.router?.close();
    this.router = null;
  }
}

export interface WorkerSocketOptions {
  masterHost: string;
  masterPort: number;
  /** The worker's client_id, used as ZMQ routing id and as node_id (spec §1.2). */
  clientId: string;
}

export interface WorkerSocketHandlers {
  onMessage(message: MasterMessage | CustomMessage): void;
  onBadFrame(bad: BadFrame): void;
}

/** The worker's DEALER socket; {@link reset} recreates it with the same identity (spec §1.5). */
export class WorkerSocket {
  private dealer: Dealer | null = null;
  private readonly queue = new SendQueue();
  private handlers: WorkerSocketHandlers | null = null;
  private closed = false;

  constructor(private readonly options: WorkerSocketOptions) {}

  get clientId(): string {
    return this.options.clientId;
  }

  /** Connect (ZeroMQ connects lazily and retries by itself) and start receiving. */
  connect(handlers: WorkerSocketHandlers): void {
    this.handlers = handlers;
    this.open();
  }

  private open(): void {
    const { masterHost, masterPort, clientId } = this.options;
    const dealer = new Dealer({ ...SOCKET_OPTIONS, routingId: clientId, linger: 0, ipv6: masterHost.includes(':') });
    dealer.connect(`tcp://${zmqHost(masterHost)}:${masterPort}`);
    this.dealer = dealer;
    void this.receiveLoop(dealer);
  }

  private async receiveLoop(dealer: Dealer): Promise<void> {
    const handlers = this.handlers;
    if (!handlers) return;
    while (!dealer.closed) {
      let frames: Buffer[];
      try {
        frames = await dealer.receive();
      } catch (err) {
        if (dealer.closed || this.closed) return;
        handlers.onBadFrame({ identity: '', error: err as Error, corrupt: false });
        continue;
      }
      const payload = frames[frames.length - 1];
      if (!payload) continue;
      let message: MasterMessage | CustomMessage;
      try {
        message = parseMasterMessage(decodeMessage(payload));
      } catch (err) {
        handlers.onBadFrame({ identity: '', error: err as Error, corrupt: err instanceof FrameDecodeError || err instanceof MessageValidationError });
        continue;
      }
      try {
        handlers.onMessage(message);
      } catch (err) {
        handlers.onBadFrame({ identity: '', error: err as Error, corrupt: false });
      }
    }
  }

  send<K extends keyof WorkerMessageMap>(type: K, data: WorkerMessageMap[K]): Promise<void> {
    return this.sendRaw(type, data);
  }

  sendRaw(type: string, data: unknown): Promise<void> {
    const payload = encodeMessage(type, data, this.options.clientId);
    return this.queue.push(async () => {
      if (!this.dealer || this.dealer.closed) return;
      await this.dealer.send(payload);
    });
  }

  /** Close and recreate the DEALER with the same identity (Locust's `reset_connection`). */
  reset(): void {
    if (this.closed) return;
    this.dealer?.close();
    this.open();
  }

  close(): void {
    this.closed = true;
    this.dealer?.close();
    this.dealer = null;
  }
}
