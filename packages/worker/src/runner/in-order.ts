/**
 * Locust's worker handles one master message at a time (its `worker()` greenlet): a message whose
 * handling returns a promise (a spawn waiting for async `testStart` listeners) holds the ones after
 * it until it settles. Handlers that return nothing run at once, as before.
 */
export class InOrder<M> {
  private pending: Promise<void> | null = null;

  constructor(
    private readonly handle: (message: M) => void | Promise<void>,
    private readonly failed: (err: unknown) => void,
  ) {}

  push(message: M): void {
    if (this.pending === null) {
      const result = this.handle(message);
      if (result) this.holdUntil(result);
      return;
    }
    this.holdUntil(this.pending.then(() => this.handle(message)));
  }

  private holdUntil(done: Promise<void>): void {
    const pending = done.catch(this.failed);
    this.pending = pending;
    void pending.then(() => {
      if (this.pending === pending) this.pending = null;
    });
  }
}
