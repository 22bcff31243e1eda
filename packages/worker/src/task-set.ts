/**
 * A nested group of tasks a user runs until `interrupt()` (Locust's TaskSet). Use it as a task:
 * `static tasks = [BrowseSet]` or `[[BrowseSet, 2]]`. Its own tasks are `@task()` methods or
 * `static tasks`; its wait time (`waitTime`, static or field) defaults to the user's. Like
 * User, it declares no settings itself, so subclasses need no `override`.
 */
import { InterruptTaskSet } from './errors.js';
import type { HttpSession } from './http/session.js';
import { TASK_SET_MARK, type TaskSpec } from './task.js';
import { HttpUser, type User } from './user.js';
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

  /** The user's HTTP client (HttpUser only). */
  get client(): HttpSession {
    const user = this.user;
    if (!(user instanceof HttpUser)) throw new Error(`${this.constructor.name}.client needs an HttpUser`);
    return user.client;
  }

  /** Leave this task set and continue with the parent's tasks. */
  interrupt(reschedule = true): never {
    throw new InterruptTaskSet(reschedule);
  }

  onStart(): unknown {
    return undefined;
  }

  onStop(): unknown {
    return undefined;
  }
}

export type TaskSetClass = (new (parent: User | TaskSet) => TaskSet) & { readonly name: string; waitTime?: WaitTime; tasks?: TaskSpec };
