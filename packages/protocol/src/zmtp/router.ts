/**
 * A ZMTP 3.x ROUTER on Node's `net` (rfc 23/ZMTP, 37/ZMTP, 28/REQREP), all the master needs
 * of ZeroMQ: it accepts DEALER peers (Locust workers on libzmq/pyzmq, locust-ts workers on
 * zeromq.js), learns each one's routing id from its READY, hands up each message with it, and
 * sends to a routing id. A message costs a callback, not a promise and a native hop as with
 * zeromq.js, and a connection no libzmq pipes (measured in README "Dependencies and why").
 *
 * ROUTER behaviour kept from libzmq: a send to an unknown routing id, or to a peer whose
 * unsent bytes passed a bound (its high-water mark), is dropped. One difference: a peer that
 * connects with a routing id already in use takes it over (libzmq's ROUTER_HANDOVER), which is
 * what a Locust worker reconnecting after `reset_connection` needs.
 */
import { randomBytes } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import { TCP_KEEPALIVE_IDLE } from '../constants.js';
import { ZmtpProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ROUTER_PEERS, ROUTER_READY, frameHeaderLength, parseCommand, parseProperties, pongFor, writeFrameHeader } from './commands.js';
import { FrameParser, type FrameSink } from './frame-parser.js';
import { OUR_GREETING } from './greeting.js';

/** The largest message accepted (all frames); a larger one closes its connection. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Unsent bytes per peer beyond which sends to it are dropped (libzmq drops at its HWM too). */
export const PEER_SEND_BOUND_BYTES = 8 * 1024 * 1024;
/**
 * Connections waiting to be accepted (the kernel caps it at net.core.somaxconn). Thousands of
 * workers start at once in a pulse test; past Node's default of 511 their SYNs are dropped and
 * retried a second or more later, which only slows registration down.
 */
const LISTEN_BACKLOG = 8192;
/** Payloads up to this size are copied behind their header and written once; larger ones are corked. */
const COPY_SEND_MAX = 16 * 1024;

/** A one-frame message's bytes on the wire: its frame header and the payload, in one buffer. */
export function frameOf(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = frameHeaderLength(length);
  const frame = Buffer.allocUnsafe(headerLength + length);
  writeFrameHeader(frame, 0, length, headerLength);
  payload.copy(frame, headerLength);
  return frame;
}

export interface RouterHandlers {
  /** A one-frame message (what every Locust DEALER sends), with the sender's routing id. */
  onMessage(identity: string, payload: Buffer): void;
  /** A message of several frames. */
  onMultipart(identity: string, frames: Buffer[]): void;
}

/** One accepted TCP connection through greeting, handshake and traffic. */
class Connection implements FrameSink {
  identity: string | null = null;
  /** Frames of a multi-frame message so far. */
  private parts: Buffer[] | null = null;
  readonly parser: FrameParser;

  constructor(
    readonly socket: Socket,
    private readonly router: ZmtpRouter,
  ) {
    this.parser = new FrameParser(this, MAX_MESSAGE_BYTES);
  }

  greeting(): void {
    this.socket.write(ROUTER_READY);
  }

  command(body: Buffer): void {
    const { name, data } = parseCommand(body);
    if (this.identity === null) {
      if (name !== 'READY') throw new ZmtpProtocolError(`expected READY, got ${name}`);
      const properties = parseProperties(data);
      const socketType = properties.get('socket-type')?.toString('latin1') ?? '';
      if (!ROUTER_PEERS.has(socketType)) throw new ZmtpProtocolError(`a ${socketType || 'nameless'} socket cannot talk to a ROUTER`);
      this.router.register(this, properties.get('identity'));
    } else if (name === 'PING') {
      this.socket.write(pongFor(data));
    } else if (name === 'ERROR') {
      throw new ZmtpProtocolError(`peer sent ERROR: ${data.toString('latin1', 1)}`);
    }
    // Other commands (SUBSCRIBE, PONG, ...) mean nothing to a ROUTER.
  }

  frame(body: Buffer, more: boolean): void {
    const identity = this.identity;
    if (identity === null) throw new ZmtpProtocolError('message frame before READY');
    const handlers = this.router.handlers;
    if (!more && this.parts === null) {
      handlers?.onMessage(identity, body);
      return;
    }
    (this.parts ??= []).push(body);
    if (more) return;
    const frames = this.parts;
    this.parts = null;
    handlers?.onMultipart(identity, frames);
  }
}

export class ZmtpRouter {
  handlers: RouterHandlers | null = null;
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private readonly byIdentity = new Map<string, Connection>();

  constructor(private readonly log: Logger) {}

  /** Listen on host:port (port 0: any free port); resolves with the port bound. */
  bind(host: string, port: number): Promise<number> {
    const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_IDLE * 1000 }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.error(`ZMTP listener: ${err.message}`));
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Start handing messages up; connections accepted before wait (paused) until now. */
  listen(handlers: RouterHandlers): void {
    this.handlers = handlers;
    for (const c of this.connections) c.socket.resume();
  }

  /** Send a one-frame message; false when dropped (unknown routing id, peer over its send bound). */
  send(identity: string, payload: Buffer): boolean {
    const socket = this.writableSocket(identity);
    if (!socket) return false;
    const length = payload.length;
    if (length <= COPY_SEND_MAX) {
      socket.write(frameOf(payload));
    } else {
      const headerLength = frameHeaderLength(length);
      const header = Buffer.allocUnsafe(headerLength);
      writeFrameHeader(header, 0, length, headerLength);
      socket.cork();
      socket.write(header);
      socket.write(payload);
      socket.uncork();
    }
    return true;
  }

  /** Send a frame made by {@link frameOf} (a reply sent again and again is framed once); false when dropped. */
  sendFrame(identity: string, frame: Buffer): boolean {
    const socket = this.writableSocket(identity);
    if (!socket) return false;
    socket.write(frame);
    return true;
  }

  private writableSocket(identity: string): Socket | null {
    const c = this.byIdentity.get(identity);
    if (!c) return null;
    const socket = c.socket;
    return socket.writableLength > PEER_SEND_BOUND_BYTES || socket.destroyed ? null : socket;
  }

  /** Stop listening (the port is free at once) and close every connection. */
  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.handlers = null;
    for (const c of this.connections) this.drop(c);
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** The peer's READY arrived: it is reachable by its routing id from now on. */
  register(c: Connection, identity: Buffer | undefined): void {
    // libzmq makes up a routing id for a peer without one: 0x00 + 4 bytes. Locust always sets one.
    const id = identity && identity.length > 0 ? identity.toString('utf8') : `\0${randomBytes(4).toString('hex')}`;
    const previous = this.byIdentity.get(id);
    if (previous && previous !== c) {
      this.log.debug(() => `ZMTP: a new connection of ${id} replaces its old one`);
      this.drop(previous);
    }
    c.identity = id;
    this.byIdentity.set(id, c);
  }

  private accept(socket: Socket): void {
    if (!this.server) {
      socket.destroy();
      return;
    }
    const c = new Connection(socket, this);
    this.connections.add(c);
    if (!this.handlers) socket.pause();
    socket.write(OUR_GREETING);
    socket.on('data', (chunk: Buffer) => {
      try {
        c.parser.feed(chunk);
      } catch (err) {
        const peer = `${socket.remoteAddress}:${socket.remotePort}${c.identity ? ` (${c.identity})` : ''}`;
        if (err instanceof ZmtpProtocolError) this.log.warning(`ZMTP peer ${peer} closed: ${err.message}`);
        else this.log.error(`ZMTP peer ${peer} closed after an error: ${(err as Error).message}`);
        this.drop(c);
      }
    });
    socket.on('error', (err) => this.log.debug(() => `ZMTP connection ${socket.remoteAddress}:${socket.remotePort}: ${err.message}`));
    socket.on('close', () => this.forget(c));
  }

  private drop(c: Connection): void {
    c.parser.stop();
    c.socket.destroy();
    this.forget(c);
  }

  private forget(c: Connection): void {
    this.connections.delete(c);
    if (c.identity !== null && this.byIdentity.get(c.identity) === c) this.byIdentity.delete(c.identity);
  }
}
