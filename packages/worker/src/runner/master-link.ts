/**
 * The worker's link to its master (spec §3.1, §3.3, §4): announce with `client_ready` until the
 * master answers `ack` (re-sent every CONNECT_TIMEOUT, with progress in the log), then
 * heartbeat every second, report stats every 3 s and watch the master's heartbeats. A dropped
 * and restored connection (a restarted master) is a rejoin; `reconnect` recreates the socket
 * without one. What the messages mean is the runner's business ({@link MasterLinkHooks}).
 */
import {
  CONNECT_RETRY_COUNT,
  CONNECT_TIMEOUT,
  CPU_MONITOR_INTERVAL,
  type CustomMessage,
  DEFAULT_MASTER_PORT,
  HEARTBEAT_INTERVAL,
  MASTER_HEARTBEAT_TIMEOUT,
  type MasterMessage,
  WORKER_REPORT_INTERVAL,
  type WorkerMessageMap,
  WorkerSocket,
} from '@locust-ts/protocol';
import type { Logger } from '../logger.js';

export interface WorkerTiming {
  connectTimeout: number;
  heartbeatInterval: number;
  reportInterval: number;
  masterHeartbeatTimeout: number;
  /** seconds between CPU samples (spec §4) */
  cpuMonitorInterval: number;
}

export const DEFAULT_TIMING: WorkerTiming = {
  connectTimeout: CONNECT_TIMEOUT,
  heartbeatInterval: HEARTBEAT_INTERVAL,
  reportInterval: WORKER_REPORT_INTERVAL,
  masterHeartbeatTimeout: MASTER_HEARTBEAT_TIMEOUT,
  cpuMonitorInterval: CPU_MONITOR_INTERVAL,
};

export interface MasterLinkOptions {
  clientId: string;
  masterHost?: string;
  masterPort?: number;
  /** the version announced in `client_ready` */
  version: string;
  /** `client_ready` attempts before giving up; Infinity waits forever */
  connectRetries?: number;
  timing: WorkerTiming;
  logger: Logger;
  /** a local run's in-process link: connecting and connected are debug lines (Locust's LocalRunner has no link) */
  local?: boolean;
}

export interface MasterLinkHooks {
  message(message: MasterMessage | CustomMessage): void;
  /** the link dropped while registered: no master accounts for our users now */
  lost(): void;
  /** the link came back after a drop: the runner stops the old test's users, then calls {@link MasterLink.announce} */
  back(): void;
  heartbeat(): WorkerMessageMap['heartbeat'];
  report(): WorkerMessageMap['stats'];
  /** the worker must end: no `ack` after every attempt, or the master's heartbeats stopped */
  fail(reason: 'connect-failed' | 'master-heartbeat-timeout', message: string): void;
}

export class MasterLink {
  readonly address: string;
  private readonly socket: WorkerSocket;
  private readonly connectRetries: number;
  /** `ack` seen for the current registration */
  private registered = false;
  /** some `ack` was ever seen: the worker has a final report and `quit` to send */
  everRegistered = false;
  private connectAttempts = 0;
  private lastMasterHeartbeat: number | null = null;
  private linkUp = false;
  private linkLost = false;
  /** set while `reconnect` recreates the socket: its link events are not a new master */
  private resetting = false;
  /** the worker is quitting: link events and retries are ignored (heartbeats go on until {@link stopLoops}) */
  private quitting = false;
  private timers: NodeJS.Timeout[] = [];
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: MasterLinkOptions,
    private readonly hooks: MasterLinkHooks,
  ) {
    const masterHost = options.masterHost ?? '127.0.0.1';
    const masterPort = options.masterPort ?? DEFAULT_MASTER_PORT;
    this.address = `${masterHost}:${masterPort}`;
    this.connectRetries = options.connectRetries ?? CONNECT_RETRY_COUNT;
    this.socket = new WorkerSocket({ masterHost, masterPort, clientId: options.clientId });
  }

  private get logger(): Logger {
    return this.options.logger;
  }

  private linkInfo(line: string): void {
    if (this.options.local) this.logger.debug(line);
    else this.logger.info(line);
  }

  /** Connect and announce; returns at once. */
  connect(): void {
    this.socket.connect({
      onMessage: (m) => this.hooks.message(m),
      onBadFrame: (bad) => this.logger.warning(`Ignoring a bad message from master: ${bad.error.message}`),
      onConnection: (event) => this.onConnection(event),
    });
    this.linkInfo(`Connecting to master at ${this.address} as ${this.options.clientId}; waiting for it to acknowledge`);
    this.announce();
  }

  /** Send `client_ready` and re-send every CONNECT_TIMEOUT until `ack` (spec §3.1). */
  announce(): void {
    this.registered = false;
    this.connectAttempts = 0;
    this.lastMasterHeartbeat = null;
    void this.send('client_ready', this.options.version);
    this.scheduleConnectCheck();
  }

  /** The master's `ack`: the first one starts heartbeats, the heartbeat watch and the stats reports. */
  acknowledged(workerIndex: number): void {
    const first = !this.everRegistered;
    this.registered = true;
    this.everRegistered = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    if (first) {
      this.linkInfo(`Connected to the master at ${this.address} as worker ${workerIndex}`);
      this.startLoops();
    } else {
      this.logger.debug(() => `Master acknowledged client_ready (index ${workerIndex})`);
    }
  }

  /** A heartbeat from the master (newest Locust): the watch of spec §3.3 starts with the first. */
  heartbeatReceived(): void {
    this.lastMasterHeartbeat = performance.now();
  }

  /** The master's `reconnect`: recreate the socket (not a new master). */
  reset(): void {
    this.resetting = true;
    this.socket.reset();
  }

  /** Send a stats report now. */
  report(): void {
    void this.send('stats', this.hooks.report());
  }

  send<K extends keyof WorkerMessageMap>(type: K, data: WorkerMessageMap[K]): Promise<void> {
    return this.socket.send(type, data).catch((err: Error) => {
      this.logger.warning(`Could not send ${type} to master: ${err.message}`);
    });
  }

  /** A custom message (spec §3.15). */
  sendRaw(type: string, data: unknown): Promise<void> {
    return this.socket.sendRaw(type, data);
  }

  /** The worker began to quit: no more retries or rejoins. */
  beginQuit(): void {
    this.quitting = true;
  }

  /** No more heartbeats, reports or retries (the socket stays open for the last messages). */
  stopLoops(): void {
    this.quitting = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  close(): void {
    this.stopLoops();
    this.socket.close();
  }

  private scheduleConnectCheck(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.connectCheck(), this.options.timing.connectTimeout * 1000);
  }

  private connectCheck(): void {
    this.connectTimer = null;
    if (this.registered || this.quitting) return;
    this.connectAttempts++;
    if (this.connectAttempts >= this.connectRetries) {
      const message = `Failed to connect to the Locust master at ${this.address}: no answer after ${this.connectAttempts} attempts`;
      this.logger.error(message);
      this.hooks.fail('connect-failed', message);
      return;
    }
    const limit = Number.isFinite(this.connectRetries) ? `/${this.connectRetries}` : '';
    const seconds = this.connectAttempts * this.options.timing.connectTimeout;
    this.logger.warning(
      `Still waiting for the master at ${this.address} (${seconds}s, attempt ${this.connectAttempts + 1}${limit}); ${this.linkUp ? 'it does not answer' : 'it is not reachable'}, re-sending client_ready`,
    );
    void this.send('client_ready', this.options.version);
    this.scheduleConnectCheck();
  }

  private onConnection(event: 'handshake' | 'disconnect'): void {
    if (this.quitting) return;
    if (event === 'disconnect') {
      this.linkUp = false;
      if (this.resetting) return;
      if (!this.linkLost && this.everRegistered) {
        this.logger.warning(`Lost the connection to the master at ${this.address}; waiting for it to come back`);
        this.hooks.lost();
      }
      this.linkLost = true;
      return;
    }
    this.linkUp = true;
    if (this.resetting) {
      this.resetting = false;
      return;
    }
    if (this.linkLost && this.everRegistered) {
      // The master may be a new process that does not know us: stop the old test's users and
      // register again; a master running a test hands us users right away (spec §3.1 step 5).
      this.linkLost = false;
      this.logger.info(`The master at ${this.address} is back; rejoining with client_ready`);
      this.hooks.back();
    }
    this.linkLost = false;
  }

  private startLoops(): void {
    const every = (seconds: number, fn: () => void): void => {
      this.timers.push(setInterval(fn, seconds * 1000));
    };
    const timing = this.options.timing;
    every(timing.heartbeatInterval, () => void this.send('heartbeat', this.hooks.heartbeat()));
    every(timing.reportInterval, () => this.report());
    every(timing.heartbeatInterval, () => this.checkMasterHeartbeat());
    void this.send('heartbeat', this.hooks.heartbeat());
    this.report();
  }

  /** [HEAD masters] quit when heartbeats stop, but only once one was ever seen (spec §3.3). */
  private checkMasterHeartbeat(): void {
    const last = this.lastMasterHeartbeat;
    if (last === null) return;
    const timeout = this.options.timing.masterHeartbeatTimeout;
    if (performance.now() - last > timeout * 1000) {
      const message = `Didn't get heartbeat from master in over ${timeout}s, quitting`;
      this.logger.error(message);
      this.hooks.fail('master-heartbeat-timeout', message);
    }
  }
}
