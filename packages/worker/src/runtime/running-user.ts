/**
 * One running user: `onStart`, then pick a weighted task, run it, wait, repeat until stopped;
 * then `onStop`. Locust runs this in a greenlet; here it is one async loop per user.
 *
 * Two ways to end, as Locust's `User.stop(force)`: {@link RunningUser.stop} lets the task in
 * progress finish (a graceful stop, used with a stop timeout); {@link RunningUser.kill} also
 * aborts the user's requests in flight, which the task sees as a StopUser (Locust's
 * GreenletExit) and which are not counted. Either way a waiting user ends at once and `onStop`
 * runs. A task awaiting something other than this user's HTTP client cannot be interrupted in
 * JS; its user is out of the counts anyway and ends when that await returns.
 */
import { InterruptTaskSet, RescheduleTask, StopTest, StopUser } from '../errors.js';
import { HttpUser, RUNNING_USER, type User, type UserEnvironment, type UserInstanceSettings, waitTimeOf } from '../user.js';
import { TaskSet, type TaskSetClass } from '../task-set.js';
import type { TaskEntry } from '../task.js';
import type { WaitTime } from '../wait-time.js';
import { taskPicker } from './task-picker.js';
import { taskSetTasks } from './tag-filter.js';
import type { UserClassInfo } from './user-class-info.js';

/** Locust's default when a class sets no wait time: the next task right away. */
const NO_WAIT: WaitTime = () => 0;

/**
 * With a zero wait the next task starts without a timer; every this many such tasks the user
 * yields to the event loop anyway, so tasks without I/O cannot starve sockets and timers.
 */
const ZERO_WAIT_YIELD_EVERY = 32;

export interface UserHost {
  /** An uncaught error escaped a task, `onStart` or `onStop` (sent as `exception`). */
  onException(err: unknown, user: RunningUser): void;
  /**
   * An InterruptTaskSet escaped a user's own task: Locust's user greenlet dies of it, logged by
   * gevent only (no exception row, no exit code); default {@link onException}.
   */
  onGreenletError?(err: unknown, user: RunningUser): void;
  /** A task raised StopTest: the host stops the test (Locust's greenlet handler). */
  onStopTest?(err: StopTest, user: RunningUser): void;
  /** A task raised an error (Locust's `user_error` event, fired before it is logged). */
  onUserError?(err: unknown, owner: User | TaskSet): void;
  /** The loop ended (stopped, StopUser, or its environment is gone). */
  onExit(user: RunningUser): void;
}

/** A new user of `info`'s class, its client pointed at the right host. */
export function createUser(info: UserClassInfo, environment: UserEnvironment): User {
  const user = new info.cls(environment);
  // -H / the master's host wins, then an update_user_class host (as Locust sets the class attribute)
  const userHost = environment.host ?? info.overrides.host ?? (user as UserInstanceSettings).host ?? info.cls.host;
  if (userHost && user instanceof HttpUser) user.client.setBaseUrl(userHost);
  return user;
}

/**
 * Run a method or function task once on its owner (a user or task set): what the task returned
 * (its promise), for the caller to await. Not an async function: each async layer costs every
 * request a promise and a microtask turn (a synchronous throw reaches the caller's `try` the same).
 */
export function invokeTask(owner: User | TaskSet, target: Exclude<TaskEntry['target'], { kind: 'taskSet' }>): unknown {
  if (target.kind === 'method') return (owner as unknown as Record<string, (this: unknown) => unknown>)[target.method]!();
  return (target.fn as (this: unknown, owner: unknown) => unknown).call(owner, owner);
}

export class RunningUser {
  readonly user: User;
  stopped = false;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private zeroWaits = 0;
  private wake: (() => void) | null = null;
  /** Resolves when the loop and `onStop` have finished. */
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly info: UserClassInfo,
    environment: UserEnvironment,
    private readonly host: UserHost,
  ) {
    this.user = createUser(info, environment);
    (this.user as unknown as Record<symbol, unknown>)[RUNNING_USER] = this;
  }

  start(): void {
    this.done = this.run();
  }

  /** Stop after the task in progress (a waiting user stops at once). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeUp();
  }

  /** Stop now: as {@link stop}, and the user's requests in flight are aborted (not counted). */
  kill(): void {
    this.stop();
    if (this.user instanceof HttpUser) this.user.client.abortInFlight();
  }

  private async run(): Promise<void> {
    const user = this.user;
    // Locust's User.run runs on_stop only after a stop or StopUser: an error escaping on_start or
    // the task loop (an InterruptTaskSet in a user's own task) ends the user's greenlet without it
    let runOnStop = true;
    try {
      await user.onStart();
      await this.loop(user, this.info, this.userWaitTime(user));
    } catch (err) {
      if (err instanceof StopTest) this.host.onStopTest?.(err, this);
      else if (!(err instanceof StopUser)) {
        runOnStop = this.stopped;
        if (!this.stopped) {
          if (err instanceof InterruptTaskSet && this.host.onGreenletError) this.host.onGreenletError(err, this);
          else this.host.onException(err, this);
        }
      }
    }
    if (runOnStop) {
      try {
        await user.onStop();
      } catch (err) {
        this.host.onException(err, this);
      }
    }
    this.stopped = true;
    this.host.onExit(this);
  }

  /**
   * Locust's `User.wait()` / `TaskSet.wait()`: sleep the owner's wait time now (a task set without
   * its own waits as its user, as Locust's `TaskSet.wait_time`); StopUser when the user is stopped
   * before or while it sleeps, as Locust's `_check_stop_condition`.
   */
  async waitAsOwner(owner: User | TaskSet): Promise<void> {
    const own = owner === this.user ? undefined : waitTimeOf(owner);
    const seconds = own ? own.call(owner, owner) : this.userWaitTime(this.user)(this.user);
    if (!this.stopped) await this.sleep(seconds);
    if (this.stopped) throw new StopUser();
  }

  /** The user's wait time; an `update_user_class` wait time wins, and applies from the next wait. */
  private userWaitTime(user: User): WaitTime {
    const own = waitTimeOf(user) ?? NO_WAIT;
    const overrides = this.info.overrides;
    // `this` is the user: a `waitTime() { … this … }` method is Locust's `def wait_time(self)`
    return (owner) => (overrides.waitTime ?? own).call(owner, owner);
  }

  /**
   * The task loop of a user or task set (Locust's `TaskSet.run`); ends when stopped or by
   * InterruptTaskSet/StopUser/StopTest. `tasks.pickList` is read at every pick: an
   * `update_user_class` may replace it. Tasks queued with `scheduleTask` run before the next pick.
   */
  private async loop(owner: User | TaskSet, tasks: { readonly pickList: readonly TaskEntry[] }, waitTime: WaitTime): Promise<void> {
    const pick = taskPicker(owner, tasks);
    while (!this.stopped) {
      const task = pick();
      let wait = true;
      try {
        const target = task.target;
        if (target.kind === 'taskSet') wait = await this.runTaskSet(owner, target.taskSet as unknown as TaskSetClass);
        else {
          await invokeTask(owner, target);
          wait = true;
        }
        // counting the task's caught responses fires `request`: a listener's throw is the task's
        if (this.user instanceof HttpUser) this.user.client.settleUndecided();
      } catch (err) {
        if (this.user instanceof HttpUser) settleQuietly(this.user);
        // Locust's TaskSet.run: InterruptTaskSet leaves any task set, the user's own too (its
        // greenlet then dies, see run); RescheduleTask skips the rest of the task
        if (err instanceof StopUser || err instanceof StopTest || err instanceof InterruptTaskSet) throw err;
        if (err instanceof RescheduleTask) {
          wait = !err.immediately;
        } else if (!this.stopped) {
          this.host.onUserError?.(err, owner);
          this.host.onException(err, this);
        }
      }
      if (this.stopped) return;
      if (!wait) continue;
      const seconds = waitTime(owner);
      if (seconds > 0 || ++this.zeroWaits % ZERO_WAIT_YIELD_EVERY === 0) await this.sleep(seconds);
    }
  }

  /** A nested task set until it is interrupted (false: the parent picks its next task without waiting): `interrupt()` skips the parent's wait, `interrupt(false)` not. */
  private async runTaskSet(parent: User | TaskSet, cls: TaskSetClass): Promise<boolean> {
    const set = new cls(parent);
    // a set without a wait time waits as its user, however deep it is nested (Locust's
    // TaskSet.wait_time returns self.user.wait_time(); a parent task set's own is not used)
    const userWait = this.userWaitTime(this.user);
    const parentWait: WaitTime = () => userWait(this.user);
    const setOwn = waitTimeOf(set);
    try {
      await set.onStart();
      await this.loop(set, taskSetTasks(cls), setOwn ? (owner) => setOwn.call(owner, owner) : parentWait);
    } catch (err) {
      if (!(err instanceof InterruptTaskSet)) throw err;
      return !err.reschedule;
    } finally {
      await set.onStop();
    }
    return true;
  }

  private sleep(seconds: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = seconds > 0 ? setTimeout(resolve, seconds * 1000) : setImmediate(resolve);
    });
  }

  private wakeUp(): void {
    const timer = this.timer;
    if (timer) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
    }
    this.timer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** Count what a failed task left undecided; a listener's error then is dropped (the task's own wins). */
function settleQuietly(user: HttpUser): void {
  try {
    user.client.settleUndecided();
  } catch {
    // the task already failed
  }
}
