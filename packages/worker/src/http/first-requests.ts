/**
 * The first request of each user started at a synchronized edge: when it was written to its
 * connection, when it was answered, and whether that connection was already open when the users
 * started (a "warm" one: opened ahead by the connection stash, or an idle keep-alive one). The
 * workers' own start spread says nothing about the target's side of an edge — a connection that
 * waits for a SYN retry puts that user's first request a second late however together the workers
 * started — so the edge report gives these figures too.
 *
 * The socket a request goes out on is not passed to the request's handler: undici publishes it on
 * the `undici:client:sendHeaders` diagnostics channel, synchronously right after calling the
 * handler's `onConnect` in the same write. The session marks the watch whose request is being
 * written (`writing`), and the channel's message takes it. The channel is only subscribed while a
 * watch waits, so ordinary requests pay nothing.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const SEND_HEADERS_CHANNEL = 'undici:client:sendHeaders';

/** When each connection of the worker's pools was established, performance.now() ms. */
const establishedAt = new WeakMap<Socket, number>();

/** A connection just finished its handshake (the connection stash sees every pool connection). */
export function markEstablished(socket: Socket): void {
  establishedAt.set(socket, performance.now());
}

let writing: FirstRequestWatch | null = null;
let watching = 0;

function onSendHeaders(message: unknown): void {
  const w = writing;
  writing = null;
  if (w) w.written((message as { socket?: Socket }).socket);
}

export interface FirstRequestFigures {
  users: number;
  /** ms after the planned instant, ascending */
  sent: number[];
  answered: number[];
  /** first requests over a connection that was not open when the users started (or not seen) */
  cold: number;
}

/**
 * The first requests of `users` users started at `startedAt` (performance.now() ms), reported
 * relative to the planned instant `instantAt` (performance.now() ms). `done` gets the figures
 * once every user's first request was answered, or at {@link finish} (a time limit, the next edge).
 */
export class FirstRequestWatch {
  private readonly sentAt: number[] = [];
  private readonly answeredAt: number[] = [];
  private cold = 0;
  private finished = false;
  /** the request being written when onConnect fired: its socket comes next on the channel */
  private pendingWrite = false;

  /** users whose session carries this watch (see {@link expect}) */
  private users = 0;
  private armed = false;

  constructor(
    private readonly instantAt: number,
    private readonly startedAt: number,
    private readonly done: (figures: FirstRequestFigures) => void,
  ) {
    if (watching++ === 0) subscribe(SEND_HEADERS_CHANNEL, onSendHeaders);
  }

  /** One more user's first request to watch (its session was given this watch). */
  expect(): void {
    this.users++;
  }

  /** Every user was given the watch: report once they all answered. False (and nothing reported) when none was. */
  arm(): boolean {
    this.armed = true;
    if (this.users === 0) {
      this.stop();
      return false;
    }
    if (this.answeredAt.length >= this.users) this.finish();
    return true;
  }

  /** A watched user's first request is being written (from the request handler's onConnect). */
  writing(): void {
    if (this.finished) return;
    this.pendingWrite = true;
    writing = this;
  }

  /** The socket the request went out on (the channel's message). */
  written(socket: Socket | undefined): void {
    if (!this.pendingWrite) return;
    this.pendingWrite = false;
    this.sentAt.push(performance.now());
    const opened = socket ? establishedAt.get(socket) : undefined;
    if (opened === undefined || opened > this.startedAt) this.cold++;
  }

  /** A watched user's first request finished (response read, or failed). */
  answered(): void {
    if (this.finished) return;
    if (this.pendingWrite) {
      // written without a socket message (another dispatcher): sent, connection unknown
      this.pendingWrite = false;
      this.sentAt.push(performance.now());
      this.cold++;
    }
    this.answeredAt.push(performance.now());
    if (this.armed && this.answeredAt.length >= this.users) this.finish();
  }

  /** Report what arrived so far (users without a first request are missing from the lists). */
  finish(): void {
    if (this.finished) return;
    this.stop();
    const rel = (list: number[]): number[] => list.map((t) => Math.round((t - this.instantAt) * 100) / 100).sort((a, b) => a - b);
    // a user never sent: its connection was not warm either
    const cold = this.cold + Math.max(0, this.users - this.sentAt.length);
    this.done({ users: this.users, sent: rel(this.sentAt), answered: rel(this.answeredAt), cold });
  }

  /** Stop watching: no more figures are taken, and the channel is left when no watch waits. */
  private stop(): void {
    if (this.finished) return;
    this.finished = true;
    if (writing === this) writing = null;
    if (--watching === 0) unsubscribe(SEND_HEADERS_CHANNEL, onSendHeaders);
  }
}
