/** Errors a locustfile author or the worker can see, one class per kind. */

/** A locustfile that cannot be used. Its message is one line, printed as is by the CLI (exit 1). */
export class LocustfileError extends Error {
  override readonly name = 'LocustfileError';
}

/** A wait time built with bad arguments, e.g. `between(2, 1)`. */
export class WaitTimeError extends Error {
  override readonly name = 'WaitTimeError';
}

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
