/**
 * SIGTERM/SIGINT handling shared by every mode and `pnpm dev`: the first signal starts a clean
 * shutdown, a second one forces it. The same Ctrl-C often arrives twice within milliseconds (the
 * terminal signals the whole process group and `pnpm`/`tsx`/a `--processes` parent forward it
 * too), so a repeat inside {@link REPEAT_WINDOW_MS} counts as the same signal.
 */
export const REPEAT_WINDOW_MS = 1_000;

export function onShutdownSignals(first: (signal: NodeJS.Signals) => void, forced: (signal: NodeJS.Signals) => void): void {
  let firstAt: number | null = null;
  const handler = (signal: NodeJS.Signals): void => {
    if (firstAt === null) {
      firstAt = Date.now();
      first(signal);
    } else if (Date.now() - firstAt > REPEAT_WINDOW_MS) {
      forced(signal);
    }
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
