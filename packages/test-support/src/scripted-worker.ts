/**
 * A scripted Locust worker for the master tests: protocol's real `WorkerSocket` (a ZeroMQ DEALER)
 * that registers, beats every second, answers `spawn` like a worker (`spawning`, then
 * `spawning_complete` with the counts of the classes it has), answers `stop` and `quit` as a
 * worker does, and records every master message.
 */
import {
  type CustomMessage,
  HEARTBEAT_INTERVAL,
  type MasterMessage,
  RequestStats,
  WorkerSocket,
  makeClientId,
} from '@locust-ts/protocol';

type Received = MasterMessage | CustomMessage;

/**
 * How long a test waits for one expected message: guards against hangs only (500 workers
 * registering at once on a machine loaded by another heavy process took over 5 s for an ack).
 */
const WAIT_MS = 60_000;
/** What this worker announces in `client_ready` (any non-empty string is accepted). */
const SCRIPTED_VERSION = '2.46.4';

export class ScriptedWorker {
  readonly id = makeClientId('scripted');
  readonly received: Received[] = [];
  private readonly socket: WorkerSocket;
  private cursor = 0;
  private waiters: Array<() => void> = [];
  private beat: NodeJS.Timeout | null = null;
  private state: 'ready' | 'spawning' | 'running' = 'ready';
  /** heartbeats sent so far (each should get the master's reply) */
  heartbeatsSent = 0;
  private userClassesCount: Record<string, number> = {};
  /** `stop` messages to act as if lost (a fault): received and recorded, but not answered. */
  dropStops = 0;

  /** `classes`: the user classes this worker has (null = every class it is sent); `version`: what it announces. */
  constructor(
    masterPort: number,
    private readonly classes: string[] | null = null,
    private readonly version: string = SCRIPTED_VERSION,
  ) {
    this.socket = new WorkerSocket({ masterHost: '127.0.0.1', masterPort, clientId: this.id });
  }

  /** Connect, send `client_ready` and wait for the `ack`. */
  async register(): Promise<void> {
    this.socket.connect({
      onMessage: (m) => this.onMessage(m),
      onBadFrame: () => undefined,
    });
    await this.socket.send('client_ready', this.version);
    await this.next('ack');
    this.beat = setInterval(() => {
      this.heartbeatsSent++;
      void this.socket.send('heartbeat', { state: this.state, current_cpu_usage: 0, current_memory_usage: 0 });
    }, HEARTBEAT_INTERVAL * 1000);
  }

  /** Stop the heartbeats (the socket stays open). */
  stopBeating(): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
  }

  /** Master heartbeat replies received so far. */
  heartbeatReplies(): number {
    return this.received.filter((m) => m.type === 'heartbeat').length;
  }

  /** Report `requests` requests of `GET /hello` (response times 1..requests ms) as a worker's `stats` delta. */
  async sendStats(requests: number): Promise<void> {
    const stats = new RequestStats();
    for (let i = 1; i <= requests; i++) stats.logRequest('GET', '/hello', i, 0);
    const userCount = Object.values(this.userClassesCount).reduce((a, b) => a + b, 0);
    await this.socket.send('stats', stats.takeReport({ ...this.userClassesCount }, userCount));
  }

  private onMessage(m: Received): void {
    this.received.push(m);
    if (m.type === 'spawn') {
      const spawn = m as Extract<MasterMessage, { type: 'spawn' }>;
      const counts: Record<string, number> = {};
      for (const [name, n] of Object.entries(spawn.data.user_classes_count)) {
        if (!this.classes || this.classes.includes(name)) counts[name] = n;
      }
      this.userClassesCount = counts;
      this.state = 'spawning';
      void this.socket.send('spawning', null);
      const userCount = Object.values(counts).reduce((a, b) => a + b, 0);
      void this.socket.send('spawning_complete', { user_classes_count: counts, user_count: userCount });
      this.state = 'running';
    }
    // a worker answers the master's quit with its own (the master waits for it)
    if (m.type === 'quit') void this.socket.send('quit', null);
    // Locust's worker on stop: users gone, client_stopped, then ready again
    if (m.type === 'stop' && this.dropStops > 0) this.dropStops--;
    else if (m.type === 'stop') {
      this.state = 'ready';
      void this.socket.send('client_stopped', null);
      void this.socket.send('client_ready', this.version);
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next message of `type` after the last one returned (earlier ones of other types are skipped). */
  async next(type: string, timeoutMs = WAIT_MS): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const m = this.received[this.cursor++]!;
        if (m.type === type) return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`scripted worker: no '${type}' within ${timeoutMs} ms (got ${this.received.map((r) => r.type).join(',')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Tell the master we leave (`quit`), then close the socket. */
  async close(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    await this.socket.send('quit', null).catch(() => undefined);
    this.socket.close();
  }
}
