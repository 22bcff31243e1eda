/**
 * The running users of a worker, per class. A spawn target is applied at once (the master
 * paces the ramp): missing users start, surplus users stop — the most recently started
 * first, as Locust does.
 *
 * Stopping honours the spawn's `stop_timeout` (spec §3.4): with a timeout > 0 a user in a task
 * finishes it (Locust's graceful `stop(force=False)`) and is killed once the timeout runs out;
 * without one it is killed at once. A stopped user leaves the counts immediately either way.
 */
import type { UserClassesCount } from '@locust-ts/protocol';
import type { UserEnvironment } from '../user.js';
import { RunningUser, type UserHost } from './running-user.js';
import type { UserClassInfo } from './user-class-info.js';

/** How long stopping waits for killed users' `onStop`, ms (Locust kills greenlets at once). */
const STOP_WAIT_MS = 1000;
/**
 * Users constructed and started per event-loop turn by {@link UserPool.spawnPaced}: a ramp's step
 * of 250 users started in one turn held the loop for tens of ms, and every running user's
 * response that arrived meanwhile was timed that much slower.
 */
const PACED_BATCH = 25;

export interface SpawnResult {
  /** Class names in the target that this worker does not have (ignored). */
  unknownClasses: string[];
}

/** A spawn target whose users exist but have not started (see {@link UserPool.prepare}). */
export interface PreparedSpawn extends SpawnResult {
  /** How many users the commit starts. */
  readonly starting: number;
  /** Start the new users and stop the surplus ones, now; `beforeStart` sees each new user first. */
  commit(stopTimeout?: number, beforeStart?: (user: RunningUser) => void): void;
}

export class UserPool {
  private readonly running = new Map<string, RunningUser[]>();
  private readonly classes = new Map<string, UserClassInfo>();
  private readonly stopping = new Set<Promise<void>>();
  /** the next batch of a {@link spawnPaced} still starting users */
  private pacing: NodeJS.Immediate | null = null;

  constructor(
    classes: readonly UserClassInfo[],
    private readonly environment: UserEnvironment,
    private readonly host: UserHost,
  ) {
    for (const info of classes) {
      this.classes.set(info.name, info);
      this.running.set(info.name, []);
    }
  }

  get classNames(): string[] {
    return [...this.classes.keys()];
  }

  /** Every class's runtime record. */
  classInfos(): UserClassInfo[] {
    return [...this.classes.values()];
  }

  /** The runtime record of a class (tasks, overrides), or undefined when this worker lacks it. */
  classInfo(name: string): UserClassInfo | undefined {
    return this.classes.get(name);
  }

  /**
   * Bring each class to its target count in two steps: construct the users a target needs without
   * starting them, so that {@link PreparedSpawn.commit} (surplus users stop within its
   * `stopTimeout` seconds) only starts and stops (a synchronized edge prepares ahead of its instant). The counts change at
   * the commit; a prepared spawn that is never committed leaves nothing behind.
   */
  prepare(target: UserClassesCount): PreparedSpawn {
    this.cancelPacing();
    const { known, unknownClasses } = this.resolve(target);
    const starts: Array<{ users: RunningUser[]; added: RunningUser[] }> = [];
    const stops: Array<{ users: RunningUser[]; wanted: number }> = [];
    for (const { info, users, wanted } of known) {
      if (users.length > wanted) stops.push({ users, wanted });
      const added: RunningUser[] = [];
      for (let n = users.length; n < wanted; n++) added.push(this.newUser(info));
      if (added.length > 0) starts.push({ users, added });
    }
    return {
      unknownClasses,
      starting: starts.reduce((sum, s) => sum + s.added.length, 0),
      commit: (stopTimeout = 0, beforeStart) => {
        for (const { users, wanted } of stops) while (users.length > wanted) this.stopUser(users.pop()!, stopTimeout);
        for (const { users, added } of starts) {
          users.push(...added);
          if (beforeStart) for (const user of added) beforeStart(user);
          for (const user of added) user.start();
        }
      },
    };
  }

  /**
   * Bring each class to its target count, the missing users started PACED_BATCH per event-loop
   * turn (surplus users stop at once, within `stopTimeout`); `done` once all started. For ramps,
   * where the master paces the steps anyway; a synchronized edge uses {@link prepare} instead. A
   * later spawn or stop drops the batches not started yet (`done` is then never called).
   */
  spawnPaced(target: UserClassesCount, stopTimeout: number, done: (result: SpawnResult) => void): void {
    this.cancelPacing();
    const { known, unknownClasses } = this.resolve(target);
    const adds: Array<{ info: UserClassInfo; users: RunningUser[]; count: number }> = [];
    for (const { info, users, wanted } of known) {
      while (users.length > wanted) this.stopUser(users.pop()!, stopTimeout);
      if (users.length < wanted) adds.push({ info, users, count: wanted - users.length });
    }
    const step = (): void => {
      this.pacing = null;
      let budget = PACED_BATCH;
      while (budget > 0 && adds.length > 0) {
        const add = adds[0]!;
        const user = this.newUser(add.info);
        add.users.push(user);
        user.start();
        budget--;
        if (--add.count === 0) adds.shift();
      }
      if (adds.length > 0) this.pacing = setImmediate(step);
      else done({ unknownClasses });
    };
    step();
  }

  /** A spawn target's classes with their runtime record and running users; names this worker lacks apart. */
  private resolve(target: UserClassesCount): {
    known: Array<{ info: UserClassInfo; users: RunningUser[]; wanted: number }>;
    unknownClasses: string[];
  } {
    const known: Array<{ info: UserClassInfo; users: RunningUser[]; wanted: number }> = [];
    const unknownClasses: string[] = [];
    for (const [name, wanted] of Object.entries(target)) {
      const info = this.classes.get(name);
      const users = this.running.get(name);
      if (info && users) known.push({ info, users, wanted });
      else unknownClasses.push(name);
    }
    return { known, unknownClasses };
  }

  private cancelPacing(): void {
    if (this.pacing) clearImmediate(this.pacing);
    this.pacing = null;
  }

  private newUser(info: UserClassInfo): RunningUser {
    return new RunningUser(info, this.environment, { ...this.host, onExit: (u) => this.exited(u) });
  }

  /**
   * Stop every user (the most recent first) within `stopTimeout` seconds; resolves when every
   * stopping user's `onStop` has run, or at the latest STOP_WAIT_MS after the stop timeout — a
   * user stuck in something this worker cannot abort must not hold up `client_stopped`/`quit`.
   */
  async stopAll(stopTimeout = 0): Promise<void> {
    this.cancelPacing();
    for (const users of this.running.values()) {
      while (users.length > 0) this.stopUser(users.pop()!, stopTimeout);
    }
    if (this.stopping.size === 0) return;
    const maxWaitMs = stopTimeout * 1000 + STOP_WAIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    await Promise.race([Promise.all([...this.stopping]), limit]);
    clearTimeout(timer);
  }

  /** Running users per class, every class included (zeros too), as Locust reports them. */
  counts(): UserClassesCount {
    const out: UserClassesCount = {};
    for (const [name, users] of this.running) out[name] = users.length;
    return out;
  }

  get userCount(): number {
    let n = 0;
    for (const users of this.running.values()) n += users.length;
    return n;
  }

  private stopUser(user: RunningUser, stopTimeout: number): void {
    const done = user.done;
    if (stopTimeout > 0) {
      user.stop();
      const killTimer = setTimeout(() => user.kill(), stopTimeout * 1000);
      void done.finally(() => clearTimeout(killTimer));
    } else {
      user.kill();
    }
    this.stopping.add(done);
    void done.finally(() => this.stopping.delete(done));
  }

  /** A user ended by itself (StopUser): it no longer counts. */
  private exited(user: RunningUser): void {
    const users = this.running.get(user.info.name);
    if (!users) return;
    const i = users.indexOf(user);
    if (i >= 0) users.splice(i, 1);
    this.host.onExit(user);
  }
}
