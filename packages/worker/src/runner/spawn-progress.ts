/**
 * Locust's `spawning_greenlet` as a promise: {@link begin} starts a new one (settling the last,
 * as Locust kills a superseded spawn's greenlet), {@link settle} ends it (spawned, or stopped).
 */
export class SpawnProgress {
  /** the running (or last) spawn; null before the first */
  current: Promise<void> | null = null;
  private resolve: (() => void) | null = null;

  begin(): void {
    this.settle();
    this.current = new Promise<void>((resolve) => (this.resolve = resolve));
  }

  settle(): void {
    this.resolve?.();
    this.resolve = null;
  }
}
