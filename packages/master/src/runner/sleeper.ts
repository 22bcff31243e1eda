/**
 * Timers the runner can cancel all at once at shutdown, so a pending ramp pause or stop wait
 * never keeps the process alive after the master quit.
 */
export class Sleeper {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private cancelled = false;

  sleep(seconds: number): Promise<void> {
    if (this.cancelled || seconds <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, seconds * 1000);
      this.pending.set(timer, resolve);
    });
  }

  /** Poll `done` every `pollSeconds` until it holds or `timeoutSeconds` passed; true if it held. */
  async waitFor(done: () => boolean, timeoutSeconds: number, pollSeconds = 0.05): Promise<boolean> {
    const deadline = performance.now() + timeoutSeconds * 1000;
    while (!done()) {
      if (this.cancelled || performance.now() >= deadline) return done();
      await this.sleep(pollSeconds);
    }
    return true;
  }

  /** True once {@link cancelAll} ran (shutdown): waits return at once from then on. */
  get isCancelled(): boolean {
    return this.cancelled;
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}
