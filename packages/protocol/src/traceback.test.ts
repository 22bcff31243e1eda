/**
 * Which frames a person reads and how (traceback.ts), from stacks in V8's own format: the user's
 * frames first, engine frames above them and Node's internals dropped, the raising frame's
 * column kept, never a data: URL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { errorReport, formatTraceback, parseStack, shownFrames, userLocation } from './traceback.js';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'traceback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LOCUSTFILE = join(dir, 'locustfile.ts');
writeFileSync(LOCUSTFILE, `import { User } from 'locust-ts';\nexport class U extends User {\n  async checkout() {\n    await this.client.get('no-host');\n  }\n}\n`);

function withStack(stack: string): Error {
  const err = new TypeError('Invalid URL');
  err.stack = stack;
  return err;
}

// an engine function the locustfile called threw; below the user's frame, the task loop
const STACK = [
  'TypeError: Invalid URL',
  `    at HttpSession.request (${PACKAGES}worker/src/http/session.ts:120:13)`,
  `    at HttpSession.get (${PACKAGES}worker/src/http/session.ts:80:17)`,
  `    at U.checkout (file://${LOCUSTFILE}:4:23)`,
  `    at async RunningUser.loop (${PACKAGES}worker/src/runtime/running-user.ts:130:27)`,
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
].join('\n');

describe('traceback', () => {
  it('reads V8 frames: function, file: URLs as paths, line and column; `async ` and unnamed frames', () => {
    expect(parseStack(STACK)[2]).toEqual({ fn: 'U.checkout', file: LOCUSTFILE, line: 4, column: 23 });
    expect(parseStack(STACK)[3]!.fn).toBe('RunningUser.loop');
    expect(parseStack(`Error: x\n    at file://${LOCUSTFILE}:1:7`)[0]).toEqual({ fn: '<module>', file: LOCUSTFILE, line: 1, column: 7 });
  });

  it("starts at the user's frame: engine frames above it and Node's internals are dropped, the loop below stays", () => {
    expect(shownFrames(STACK).map((f) => f.fn)).toEqual(['U.checkout', 'RunningUser.loop']);
  });

  it("Python's layout: the raising frame with path:line:column, callers with path:line, each with its source line", () => {
    const lines = formatTraceback(withStack(STACK)).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `  File "${LOCUSTFILE}:4:23", in U.checkout`,
      "    await this.client.get('no-host');",
      `  File "${PACKAGES}worker/src/runtime/running-user.ts:130", in RunningUser.loop`,
    ]);
    expect(lines[3]).toMatch(/^(    \S.*)?$/); // that line of running-user.ts, whatever it reads today
    expect(errorReport(withStack(STACK))).toMatch(/^TypeError: Invalid URL\n  File "/);
    expect(userLocation(withStack(STACK))).toBe(`${LOCUSTFILE}:4:23`);
  });

  it('a data: URL frame is never printed', () => {
    const data = `data:text/javascript,${encodeURIComponent('export class U {}\n'.repeat(50))}`;
    const text = formatTraceback(withStack(`Error: x\n    at U.t (${data}:3:9)\n    at U.checkout (file://${LOCUSTFILE}:4:23)`));
    expect(text).not.toContain('data:');
    expect(text).toContain(`${LOCUSTFILE}:4`);
  });

  it('an engine-only stack is shown whole (no user frame to start at); a non-Error has no frames', () => {
    const engine = `Error: x\n    at f (${PACKAGES}worker/src/a.ts:1:1)\n    at g (${PACKAGES}worker/src/b.ts:2:2)`;
    expect(shownFrames(engine).map((f) => f.fn)).toEqual(['f', 'g']);
    expect(formatTraceback('boom')).toBe('');
    expect(errorReport('boom')).toBe('boom');
  });
});
