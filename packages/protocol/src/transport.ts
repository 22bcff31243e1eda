/**
 * ZeroMQ transport (spec §1): the master's ROUTER (our own ZMTP, zmtp/) and the worker's DEALER (zeromq.js).
 * The only module that touches sockets; it hands typed messages upward and never throws
 * a bad frame out of its receive loop.
 */
import { Dealer } from 'zeromq';
import { decodeFlatMessage, decodeMessage, encodeMessage, hasMessageType } from './codec.js';
import { TCP_KEEPALIVE_IDLE } from './constants.js';
import { FrameDecodeError, MessageValidationError } from './errors.js';
import { readHotMessage } from './fast-read/index.js';
import { Logger } from './logger.js';
import {
  type CustomMessage,
  type MasterMessage,
  type MasterMessageMap,
  type WorkerMessage,
  type WorkerMessageMap,
  parseMasterMessage,
  parseWorkerMessage,
} from './messages.js';
import { ZmtpRouter, frameOf } from './zmtp/router.js';

/** How long a reset worker waits before reconnecting with its old identity (see `reset`). */
const RESET_CONNECT_DELAY_MS = 300;

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
  /** Where a peer turned away for breaking ZMTP is reported (one line each). */
  log?: Logger;
}

export interface MasterSocketHandlers {
  onMessage(message: WorkerMessage | CustomMessage, identity: string): void;
  onBadFrame(bad: BadFrame): void;
}

/** Bound on {@link MasterSocket}'s cache of data-less payloads per message type (workers come and go). */
const NIL_FRAMES_KEPT = 20_000;

/** `--master-bind-host` as Node's `net` takes it: '' and '*' mean every IPv4 interface, as libzmq binds them. */
function listenHost(host: string): string {
  if (host === '' || host === '*') return '0.0.0.0';
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The master's ROUTER bound on 5557: our own ZMTP ROUTER (zmtp/router.ts), not zeromq.js — per
 * message it costs a callback instead of a promise and a native hop (README "Dependencies and why").
 */
export class MasterSocket {
  private router: ZmtpRouter | null = null;
  /** Framed data-less messages per type and worker: a heartbeat reply is the same bytes each second. */
  private readonly nilFrames = new Map<string, Map<string, Buffer>>();
  private closed = false;
  private stopListening: (() => void) | null = null;
  /** The endpoint actually bound (port 0 resolved). */
  port = 0;

  constructor(private readonly options: MasterSocketOptions = {}) {}

  async bind(): Promise<number> {
    const router = new ZmtpRouter(this.options.log ?? new Logger());
    this.router = router;
    this.port = await router.bind(listenHost(this.options.bindHost ?? '*'), this.options.port ?? 5557);
    return this.port;
  }

  /** Hand messages to `handlers` until {@link close} (then the promise resolves). Handler errors are reported, never fatal. */
  listen(handlers: MasterSocketHandlers): Promise<void> {
    const router = this.router;
    if (!router) throw new Error('MasterSocket.listen() before bind()');
    const { onMessage, onBadFrame } = handlers;
    router.listen({
      onMessage: (identity, payload) => {
        let message: WorkerMessage | CustomMessage;
        try {
          message = readHotMessage(payload, identity) ?? parseWorkerMessage(decodeWorkerPayload(payload));
        } catch (err) {
          onBadFrame({ identity, error: err as Error, corrupt: err instanceof FrameDecodeError });
          return;
        }
        try {
          onMessage(message, identity);
        } catch (err) {
          onBadFrame({ identity, error: err as Error, corrupt: false });
        }
      },
      // Frames are counted with the routing id, as zeromq.js handed them up: [identity, ...frames].
      onMultipart: (identity, frames) =>
        onBadFrame({ identity, error: new FrameDecodeError(`expected 2 frames, got ${frames.length + 1}`), corrupt: true }),
    });
    return new Promise((resolve) => {
      if (this.closed) resolve();
      else this.stopListening = resolve;
    });
  }

  /** Send a typed message to one worker; the node_id in the envelope is the recipient (spec §2.1). */
  send<K extends keyof MasterMessageMap>(clientId: string, type: K, data: MasterMessageMap[K]): Promise<void> {
    return this.sendRaw(clientId, type, data);
  }

  /**
   * Send a custom (or not yet typed) message. Written at once (or dropped, as a ROUTER drops
   * what it cannot route), so the promise is settled when it is returned.
   */
  sendRaw(clientId: string, type: string, data: unknown): Promise<void> {
    try {
      this.sendNow(clientId, type, data);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  private sendNow(clientId: string, type: string, data: unknown): void {
    const router = this.router;
    if (!router || this.closed) return;
    if (data === null) router.sendFrame(clientId, this.nilFrame(clientId, type));
    else router.send(clientId, encodeMessage(type, data, clientId));
  }

  private nilFrame(clientId: string, type: string): Buffer {
    let perWorker = this.nilFrames.get(type);
    if (!perWorker) this.nilFrames.set(type, (perWorker = new Map()));
    let frame = perWorker.get(clientId);
    if (!frame) {
      if (perWorker.size >= NIL_FRAMES_KEPT) perWorker.clear();
      frame = frameOf(encodeMessage(type, null, clientId));
      perWorker.set(clientId, frame);
    }
    return frame;
  }

  /**
   * The hot path's send (heartbeat replies, acks): no promise; a failure (an encoding error) goes
   * to `onError` with the recipient and type, so one handler serves every send (no closure each).
   */
  post(clientId: string, type: string, data: unknown, onError: (error: Error, clientId: string, type: string) => void): void {
    try {
      this.sendNow(clientId, type, data);
    } catch (err) {
      onError(err as Error, clientId, type);
    }
  }

  /** Stop listening and close every connection; the port is free for a restarted master when this resolves. */
  async close(): Promise<void> {
    this.closed = true;
    const router = this.router;
    this.router = null;
    this.stopListening?.();
    this.stopListening = null;
    await router?.close();
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
   * connection waits {@link RESET_CONNECT_DELAY_MS}: a libzmq ROUTER (a Python master) that still
   * holds the old connection of this identity rejects the new one and then misreads its messages
   * (no handover), so the master must see the old one close first. (A locust-ts master hands the
   * identity over to the new connection at once.) Sends queue meanwhile.
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
