/**
 * A user of the arrival-rate (open model) pool: it runs no loop of its own. The executor hands
 * it one iteration at a time — one weighted task pick and its run — and it is idle in between;
 * `onStart` runs before its first iteration, `onStop` when the pool retires it. There is no wait
 * time in this mode: the arrival rate, not the user, decides when the next iteration starts.
 *
 * A TaskSet picked as a task runs one iteration too: `onStart`, one pick of its own tasks,
 * `onStop` (a TaskSet's endless loop would hold the user forever, which an open model cannot use).
 */
import { InterruptTaskSet, RescheduleTask, StopUser } from '../errors.js';
import type { TaskSet, TaskSetClass } from '../task-set.js';
import type { TaskEntry } from '../task.js';
import { HttpUser, type User, type UserEnvironment } from '../user.js';
import { createUser, invokeTask } from './running-user.js';
import { tasksOf, type UserClassInfo } from './user-class-info.js';

/** What an arrival user reports to its pool. */
export interface ArrivalUserHost {
  onException(err: unknown, user: ArrivalUser): void;
}

export class ArrivalUser {
  readonly user: User;
  /** StopUser was raised, or the pool retired it: it takes no more iterations */
  retired = false;
  private started = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    readonly info: UserClassInfo,
    environment: UserEnvironment,
    private readonly host: ArrivalUserHost,
  ) {
    this.user = createUser(info, environment);
  }

  /**
   * Run one iteration now. `scheduleDelayMs` (how late it starts against its intended start) is
   * added to the response time of the iteration's first request; resolves when the iteration
   * is done (never rejects: errors go to the host as `exception`).
   */
  iterate(scheduleDelayMs: number): Promise<void> {
    this.current = this.run(scheduleDelayMs);
    return this.current;
  }

  /** Retire: abort requests in flight (not counted, as a killed Locust user's), then `onStop`. */
  async stop(): Promise<void> {
    this.retired = true;
    if (this.user instanceof HttpUser) this.user.client.abortInFlight();
    await this.current;
    if (!this.started) return;
    try {
      await this.user.onStop();
    } catch (err) {
      this.host.onException(err, this);
    }
  }

  private async run(scheduleDelayMs: number): Promise<void> {
    const user = this.user;
    try {
      if (!this.started) {
        this.started = true;
        await user.onStart();
      }
      if (this.retired) return;
      // after onStart: its own requests were not the iteration's, so the delay goes to the task's first
      if (scheduleDelayMs > 0 && user instanceof HttpUser) user.client.scheduleDelay = scheduleDelayMs;
      await this.runPick(user, this.info);
      // a request listener may throw while the caught responses are counted: the task's error
      if (user instanceof HttpUser) user.client.settleUndecided();
    } catch (err) {
      if (user instanceof HttpUser) settleQuietly(user);
      if (err instanceof StopUser) this.retired = true;
      else if (!(err instanceof InterruptTaskSet) && !(err instanceof RescheduleTask) && !this.retired) this.host.onException(err, this);
    } finally {
      if (user instanceof HttpUser) user.client.scheduleDelay = 0;
    }
  }

  /** One weighted pick from `tasks` (read at each pick: `update_user_class` may replace it). */
  private async runPick(owner: User | TaskSet, tasks: { readonly pickList: readonly TaskEntry[] }): Promise<void> {
    const pickList = tasks.pickList;
    if (pickList.length === 0) throw new Error(`${owner.constructor.name} has no tasks: use @task() or static tasks`);
    const target = pickList[(Math.random() * pickList.length) | 0]!.target;
    if (target.kind !== 'taskSet') {
      await invokeTask(owner, target);
      return;
    }
    const cls = target.taskSet as unknown as TaskSetClass;
    const set = new cls(owner);
    try {
      await set.onStart();
      await this.runPick(set, tasksOf(cls));
    } catch (err) {
      if (!(err instanceof InterruptTaskSet)) throw err;
    } finally {
      await set.onStop();
    }
  }
}

/** Count what the failed task left undecided; a listener's error then is dropped (the task's own wins). */
function settleQuietly(user: HttpUser): void {
  try {
    user.client.settleUndecided();
  } catch {
    // the task already failed
  }
}
