/**
 * An uncaught task error as the `exception` message carries it (spec §3.8): `msg` is the
 * error's text, `traceback` its frames in Python's layout with each file's own
 * `path:line:column` (protocol's traceback.ts), so the master's exceptions table reads like
 * Locust's and points into the locustfile.
 */
import { type ExceptionData, errorLine, formatTraceback } from '@locust-ts/protocol';

export function exceptionData(err: unknown): ExceptionData {
  const msg = err instanceof Error ? err.message : String(err);
  return { msg, traceback: formatTraceback(err) || `${errorLine(err)}\n` };
}
