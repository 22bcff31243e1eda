/**
 * A nested group of tasks a user runs until `interrupt()` (Locust's TaskSet). Use it as a task:
 * `static tasks = [BrowseSet]` or `[[BrowseSet, 2]]`. Its own tasks are `@task()` methods or
 * `static tasks`; its wait time (`waitTime`, static or field) defaults to the user's. Like
 * User, it declares no settings itself, so subclasses need no `override`.
 *
 * `SequentialTaskSet` runs its tasks in declaration order (a weight repeats a task), and
 * `MarkovTaskSet` follows `@transition`s from its first Markov task, as in Locust.
 */
import type { Environment } from '@locust-ts/protocol';
import { InterruptTaskSet } from './errors.js';
import type { HttpSession } from './http/session.js';
import { TASK_PICKER, TASK_SET_MARK, type TaskRef, type TaskSpec, scheduleOn } from './task.js';
import { HttpUser, RUNNING_USER, type User } from './user.js';
import type { WaitTime } from './wait-time.js';

export class TaskSet {
  static readonly [TASK_SET_MARK] = true as const;
  constructor(readonly parent: User | TaskSet) {}

  /** The user running this task set. */
  get user(): User {
    let p = this.parent;
    while (p instanceof TaskSet) p = p.parent;
    return p;
  }

  /** The user's environment (Locust's `self.user.environment`). */
  get environment(): Environment {
    return this.user.environment;
  }

  /** The user's HTTP client (HttpUser only). */
  get client(): HttpSession {
    const user = this.user;
    if (!(user instanceof HttpUser)) throw new Error(`${this.constructor.name}.client needs an HttpUser`);
    return user.client;
  }

  /**
   * Leave this task set and continue with the parent's tasks: at once (`reschedule`, default),
   * or after the parent's wait time (`interrupt(false)` / `interrupt({ reschedule: false })`).
   */
  interrupt(reschedule: boolean | { reschedule?: boolean } = true): never {
    throw new InterruptTaskSet(typeof reschedule === 'boolean' ? reschedule : (reschedule.reschedule ?? true));
  }

  /**
   * Sleep this task set's wait time now, or its user's when it has none (Locust's `TaskSet.wait()`,
   * e.g. in `onStart`); throws StopUser if the user is stopped meanwhile.
   */
  wait(): Promise<void> {
    const running = (this.user as unknown as Record<symbol, { waitAsOwner(owner: object): Promise<void> } | undefined>)[RUNNING_USER];
    return running ? running.waitAsOwner(this) : Promise.resolve();
  }

  /** Run `task` next (`first`) or after the tasks already scheduled (Locust's `schedule_task`). */
  scheduleTask(task: TaskRef, first = false): void {
    scheduleOn(this, task, first);
  }

  onStart(): unknown {
    return undefined;
  }

  onStop(): unknown {
    return undefined;
  }
}

/** Tasks run one after another in declaration order, then again from the first. */
export class SequentialTaskSet extends TaskSet {
  static readonly [TASK_PICKER] = 'sequential';
}

/** Tasks follow `@transition`/`@transitions` from the first Markov task declared. */
export class MarkovTaskSet extends TaskSet {
  static readonly [TASK_PICKER] = 'markov';
}

export type TaskSetClass = (new (parent: User | TaskSet) => TaskSet) & { readonly name: string; waitTime?: WaitTime; tasks?: TaskSpec };
