/** Errors a locustfile author or the worker can see, one class per kind. */
import { passesThroughEvents } from '@locust-ts/protocol';

/** A locustfile that cannot be used, and a wait time built with bad arguments (one line each). */
export { LocustfileError, WaitTimeError } from '@locust-ts/protocol';

/** Thrown from a task (or `onStart`) to stop this user, like Locust's `StopUser`. */
export class StopUser extends Error {
  override readonly name = 'StopUser';
}

/** Thrown inside a TaskSet to hand control back to its parent, like Locust's `InterruptTaskSet`. */
export class InterruptTaskSet extends Error {
  override readonly name = 'InterruptTaskSet';
  constructor(readonly reschedule = true) {
    super('task set interrupted');
  }
}

/**
 * Thrown from a task: Locust's `RescheduleTask` — end this task now and pick the next one after
 * the wait time. `immediately` (Locust's `RescheduleTaskImmediately`) skips the wait.
 */
export class RescheduleTask extends Error {
  override readonly name = 'RescheduleTask';
  constructor(readonly immediately = false) {
    super('task rescheduled');
  }
}

/** Thrown anywhere in a user: Locust's `StopTest` — stop the whole test (logged as an error). */
export class StopTest extends Error {
  override readonly name = 'StopTest';
}

// Locust's EventHook.fire re-raises these from listeners (e.g. a request listener stopping a user)
for (const cls of [StopUser, InterruptTaskSet, RescheduleTask, StopTest]) passesThroughEvents(cls);
