/**
 * ZeroMQ transport (spec §1): the master's ROUTER and the worker's DEALER.
 * The only module that touches sockets; it hands typed messages upward and never throws
 * a bad frame out of its receive loop.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dealer, Router } from 'zeromq';
import { decodeFlatMessage, decodeMessage, encodeMessage, hasMessageType } from './codec.js';
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

/** How long a reset worker waits before reconnecting with its old identity (see `reset`). */
const RESET_CONNECT_DELAY_MS = 300;

/** Upper bound for {@link MasterSocket.close} waiting until the port is free again. */
const PORT_RELEASE_WAIT_MS = 1_000;
const PORT_PROBE_INTERVAL_MS = 10;

/** What each worker sends every second or three: decoded by the cheaper flat decoder. */
const HEARTBEAT_TYPE = Buffer.from('heartbeat');
const STATS_TYPE = Buffer.from('stats');

function decodeWorkerPayload(payload: Buffer) {
  return hasMessageType(payload, HEARTBEAT_TYPE) || hasMessageType(payload, STATS_TYPE) ? decodeFlatMessage(payload) : decodeMessage(payload);
}

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
/** Bound on {@link MasterSocket}'s cache of data-less payloads per message type (workers come and go). */
const NIL_PAYLOADS_KEPT = 20_000;

export class MasterSocket {
  private router: Router | null = null;
  /** Encoded data-less messages per type and worker: a heartbeat reply is the same bytes each second. */
  private readonly nilPayloads = new Map<string, Map<string, Buffer>>();
  private closed = false;
  /** The endpoint actually bound (port 0 resolved). */
  port = 0;

  constructor(private readonly options: MasterSocketOptions = {}) {}

  async bind(): Promise<number> {
    const host = zmqHost(this.options.bindHost ?? '*');
    const port = this.options.port ?? 5557;
    // No ROUTER_HANDOVER (Locust sets none): with it libzmq 4.3.5 can abort the process in
    // pipe.cpp (`_state == term_ack_sent || ...`) when a worker reconnects; seen in this suite.
    // sendTimeout 0: a ROUTER never blocks on send (it drops what it cannot route, spec §1.1), so
    // each send completes inside libzmq at once; zeromq.js then needs no serialising queue and no
    // promise chain per message — at thousands of workers that chain was most of the send cost.
    const router = new Router({ ...SOCKET_OPTIONS, linger: 0, ipv6: host.startsWith('['), sendTimeout: 0 });
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
        message = parseWorkerMessage(decodeWorkerPayload(payload));
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

  /** Send a custom (or not yet typed) message; settles once libzmq took it (at once, see {@link bind}). */
  sendRaw(clientId: string, type: string, data: unknown): Promise<void> {
    const router = this.router;
    if (!router || this.closed) return Promise.resolve();
    try {
      return router.send([clientId, data === null ? this.nilPayload(clientId, type) : encodeMessage(type, data, clientId)]);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  private nilPayload(clientId: string, type: string): Buffer {
    let perWorker = this.nilPayloads.get(type);
    if (!perWorker) this.nilPayloads.set(type, (perWorker = new Map()));
    let payload = perWorker.get(clientId);
    if (!payload) {
      if (perWorker.size >= NIL_PAYLOADS_KEPT) perWorker.clear();
      payload = encodeMessage(type, null, clientId);
      perWorker.set(clientId, payload);
    }
    return payload;
  }

  /**
   * The hot path's send (heartbeat replies, acks): nothing to await, a failure goes to
   * `onError`. Sends are synchronous in libzmq here, so nothing stays in flight.
   */
  post(clientId: string, type: string, data: unknown, onError: (error: Error) => void): void {
    this.sendRaw(clientId, type, data).then(undefined, onError);
  }

  /**
   * Stop listening and close. Resolves once the port is free again (or after
   * {@link PORT_RELEASE_WAIT_MS}), so a restarted master can bind it right away: libzmq closes
   * the listening socket later, in its I/O thread. (Waiting for the socket's 'close' event after
   * `unbind()` instead made libzmq 4.3.5 abort in pipe.cpp under load.)
   */
  async close(): Promise<void> {
    this.closed = true;
    const router = this.router;
    this.router = null;
    if (!router) return;
    const endpoint = router.lastEndpoint;
    router.close();
    if (endpoint) await waitUntilPortIsFree(endpoint, PORT_RELEASE_WAIT_MS);
  }
}

/** Try to listen on the endpoint's address until that works (then stop at once) or time runs out. */
async function waitUntilPortIsFree(endpoint: string, timeoutMs: number): Promise<void> {
  const m = /^tcp:\/\/\[?([^\]]*)\]?:(\d+)$/.exec(endpoint);
  if (!m) return;
  const host = m[1] === '*' ? '0.0.0.0' : (m[1] ?? '');
  const port = Number(m[2]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
    });
    if (free) return;
    await sleep(PORT_PROBE_INTERVAL_MS);
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
  /**
   * Optional: the link to the master came up ('handshake': a ZMTP peer answered) or went
   * down ('disconnect'). Lets a worker tell that it lost its master and rejoin a new one.
   */
  onConnection?(event: 'handshake' | 'disconnect'): void;
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

  /** `connectDelayMs`: wait before connecting (see {@link reset}); sends queue meanwhile. */
  private open(connectDelayMs = 0): void {
    const { masterHost, masterPort, clientId } = this.options;
    const dealer = new Dealer({ ...SOCKET_OPTIONS, routingId: clientId, linger: 0, ipv6: masterHost.includes(':') });
    const onConnection = this.handlers?.onConnection;
    if (onConnection) {
      dealer.events.on('handshake', () => onConnection('handshake'));
      dealer.events.on('disconnect', () => onConnection('disconnect'));
    }
    const endpoint = `tcp://${zmqHost(masterHost)}:${masterPort}`;
    if (connectDelayMs > 0) {
      setTimeout(() => {
        if (!dealer.closed) dealer.connect(endpoint);
      }, connectDelayMs);
    } else {
      dealer.connect(endpoint);
    }
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

  /**
   * Close and recreate the DEALER with the same identity (Locust's `reset_connection`). The new
   * connection waits {@link RESET_CONNECT_DELAY_MS}: a ROUTER that still holds the old
   * connection of this identity rejects the new one and then misreads its messages (libzmq,
   * no handover), so the master must see the old one close first. Sends queue meanwhile.
   */
  reset(): void {
    if (this.closed) return;
    this.dealer?.close();
    this.open(RESET_CONNECT_DELAY_MS);
  }

  close(): void {
    this.closed = true;
    this.dealer?.close();
    this.dealer = null;
  }
}
