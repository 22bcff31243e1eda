/**
 * Locust's `EventHook` (locust/event.py): listeners run in the order they were added (`reverse`
 * for `quitting`), each inside its own try. A listener that throws — or whose promise rejects —
 * is logged with its stack and counted, and the others still run: an event never stops a runner.
 * Locust then exits with code 2 (`log.unhandled_greenlet_exception`); {@link listenerErrors}
 * holds the same fact for the CLI.
 */
import { errorReport } from '../traceback.js';

/** What a listener may throw on purpose: Locust re-raises StopUser, StopTest, RescheduleTask, InterruptTaskSet. */
const PASS_THROUGH = Symbol.for('locust-ts.passThroughEvents');

/** Mark an error class as one that listeners may throw through `fire` (task flow control). */
export function passesThroughEvents(cls: { prototype: object }): void {
  (cls.prototype as Record<symbol, unknown>)[PASS_THROUGH] = true;
}

function passesThrough(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[PASS_THROUGH] === true;
}

type ErrorSink = (line: string) => void;

/** Process-wide record of listener failures (Locust's `unhandled_greenlet_exception`). */
export const listenerErrors = {
  count: 0,
  /** where "Uncaught exception in event handler" lines go; the CLI points it at its logger */
  sink: ((line: string) => process.stderr.write(`${line}\n`)) as ErrorSink,
};

function report(err: unknown): void {
  listenerErrors.count++;
  // the listener's own file:line:column first (source-mapped), as Locust prints its traceback
  listenerErrors.sink(`Uncaught exception in event handler: \n${errorReport(err)}`);
}

export type Listener<A> = (args: A) => unknown;

export class EventHook<A = Record<string, never>> {
  protected listeners: Array<Listener<A>> = [];

  /** Add a listener; returns a function that removes it again. */
  addListener(listener: Listener<A>): () => void {
    this.listeners = [...this.listeners, listener];
    return () => this.removeListener(listener);
  }

  removeListener(listener: Listener<A>): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners = [...this.listeners.slice(0, i), ...this.listeners.slice(i + 1)];
  }

  /** True when anything listens: a hot path checks this before building arguments. */
  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /**
   * Call every listener now (in reverse order when asked). Async listeners are not awaited; a
   * rejection is logged as a throw would be. Flow-control errors (StopUser & co.) propagate.
   */
  fire(args: A, options?: { reverse?: boolean }): void {
    const list = options?.reverse ? [...this.listeners].reverse() : this.listeners;
    for (const listener of list) {
      try {
        const result = listener(args);
        if (result instanceof Promise) result.catch(report);
      } catch (err) {
        if (passesThrough(err)) throw err;
        report(err);
      }
    }
  }

  /**
   * As {@link fire}, but each listener's promise is awaited before the next runs: the moments
   * where Locust's listeners block the runner (test_start before users start, quitting before the
   * exit code is read) use this, so `async` listeners read like Locust's blocking ones.
   */
  async fireAndWait(args: A, options?: { reverse?: boolean }): Promise<void> {
    const list = options?.reverse ? [...this.listeners].reverse() : this.listeners;
    for (const listener of list) {
      try {
        await listener(args);
      } catch (err) {
        if (passesThrough(err)) throw err;
        report(err);
      }
    }
  }
}
