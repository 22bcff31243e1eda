/** Bounded waiting for tests: every wait ends, with a message naming what never happened. */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `cond` every `pollMs` until it holds; reject after `timeoutMs` (a hang guard, never a timing assertion). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

/**
 * Read a value every `pollMs` until `cond` holds on it, and return it; reject after `timeoutMs`
 * with `show(last value)` in the message (a hang guard, never a timing assertion).
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  cond: (value: T) => boolean,
  what: string,
  options: { timeoutMs: number; pollMs: number; show: (value: T) => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    if (cond(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${options.show(value)}`);
    await sleep(options.pollMs);
  }
}
