/**
 * Shutdown by registered closers (fastify's `onClose`): whatever opens a resource registers how
 * to close it right there, and {@link Closers.close} runs them newest first — what was opened
 * last, and may use what was opened before it, is closed first. No hand-ordered close sequence
 * to keep in step with the start-up code.
 */

/** Closes one resource; may be async. */
export type Closer = () => unknown;

export class Closers {
  private readonly closers: Array<{ name: string; close: Closer }> = [];
  private closing: Promise<void> | null = null;

  constructor(
    /** a closer that throws is reported here and the others still run */
    private readonly onError: (name: string, error: unknown) => void = () => undefined,
  ) {}

  /** Register a closer; `name` says what it closes (in error reports). */
  add(name: string, close: Closer): void {
    if (this.closing) throw new Error(`cannot register '${name}': already closing`);
    this.closers.push({ name, close });
  }

  /** Run every closer once, newest first, each awaited before the next. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.runAll();
    return this.closing;
  }

  private async runAll(): Promise<void> {
    for (let i = this.closers.length - 1; i >= 0; i--) {
      const { name, close } = this.closers[i]!;
      try {
        await close();
      } catch (err) {
        this.onError(name, err);
      }
    }
  }
}
