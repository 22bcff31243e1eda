/**
 * A scripted Locust master for worker tests: a real ZeroMQ ROUTER (protocol's MasterSocket)
 * that records every worker message and lets a test wait for the next one of a type.
 */
import { type CustomMessage, MasterSocket, type MasterMessageMap, type WorkerMessage } from '@locust-ts/protocol';

type Received = WorkerMessage | CustomMessage;

/** How long a test waits for one expected message. */
const WAIT_MS = 5_000;

export class ScriptedMaster {
  readonly socket: MasterSocket;
  readonly received: Received[] = [];
  private cursor = 0;
  private waiters: Array<() => void> = [];
  /** Answer every client_ready with an ack (index by first sight), as a master does. */
  autoAck = true;
  private readonly indexes = new Map<string, number>();

  constructor(port = 0) {
    this.socket = new MasterSocket({ bindHost: '127.0.0.1', port });
  }

  async start(): Promise<number> {
    const port = await this.socket.bind();
    void this.socket.listen({
      onMessage: (m, identity) => {
        this.received.push(m);
        if (m.type === 'client_ready' && this.autoAck) {
          if (!this.indexes.has(identity)) this.indexes.set(identity, this.indexes.size);
          void this.socket.send(identity, 'ack', { index: this.indexes.get(identity)! });
        }
        for (const w of this.waiters.splice(0)) w();
      },
      onBadFrame: () => undefined,
    });
    return port;
  }

  send<K extends keyof MasterMessageMap>(clientId: string, type: K, data: MasterMessageMap[K]): Promise<void> {
    return this.socket.send(clientId, type, data);
  }

  /** Skip everything received so far: later waits only see newer messages. */
  skipAll(): void {
    this.cursor = this.received.length;
  }

  /** The next message (after the cursor) of `type` matching `pred`; the cursor moves past it. */
  async next<T extends Received['type']>(type: T, pred: (m: Extract<Received, { type: T }>) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Extract<Received, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.received.length; i++) {
        const m = this.received[i]!;
        if (m.type === type && pred(m as Extract<Received, { type: T }>)) {
          this.cursor = i + 1;
          return m as Extract<Received, { type: T }>;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' message within ${timeoutMs} ms; got: ${this.received.slice(this.cursor).map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Types received since the cursor (no waiting). */
  typesSinceCursor(): string[] {
    return this.received.slice(this.cursor).map((m) => m.type);
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
