/**
 * Run Debian's real Python (with its msgpack, zmq and Locust packages) from a test.
 * Always `/usr/bin/python3`: a pyenv or venv python on PATH lacks the Debian packages.
 */
import { execFile } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** Default limit for one Python helper run; start-up plus a few hundred computations. */
const PYTHON_TIMEOUT_MS = 20_000;

/**
 * Run `script` with `input` on stdin and return its stdout. Rejects with stderr on a non-zero
 * exit or after `timeoutMs` (the child is killed then).
 */
export function runPython(script: string, input = '', timeoutMs = PYTHON_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      ['-c', script],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`python3 failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    // Python may exit before reading its stdin (e.g. an import error): no EPIPE crash then.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/** Run `script`, feed it `input` as JSON and parse its stdout as JSON. */
export async function runPythonJson<T>(script: string, input: unknown, timeoutMs?: number): Promise<T> {
  return JSON.parse(await runPython(script, JSON.stringify(input), timeoutMs)) as T;
}
