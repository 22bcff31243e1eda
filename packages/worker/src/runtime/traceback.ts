/**
 * An uncaught task error as the `exception` message carries it (spec §3.8): `msg` is the
 * error's text, `traceback` is its stack in Python's frame format, so the master's
 * exceptions table reads the same for TS and Python workers.
 */
import type { ExceptionData } from '@locust-ts/protocol';

const V8_FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/;

function pythonFrames(stack: string): string {
  const out: string[] = [];
  for (const line of stack.split('\n')) {
    const m = V8_FRAME.exec(line);
    if (!m) continue;
    const fn = m[1] ?? '<module>';
    const file = (m[2] ?? '').replace(/^file:\/\//, '');
    if (file.startsWith('node:')) continue;
    out.push(`  File "${file}", line ${m[3]}, in ${fn}\n`);
  }
  return out.join('');
}

export function exceptionData(err: unknown): ExceptionData {
  if (err instanceof Error) {
    const frames = err.stack ? pythonFrames(err.stack) : '';
    return { msg: err.message, traceback: frames || `${err.name}: ${err.message}\n` };
  }
  return { msg: String(err), traceback: `${String(err)}\n` };
}
