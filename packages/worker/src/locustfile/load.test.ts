import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocustfileError } from '../errors.js';
import { HttpUser } from '../user.js';
import { loadLocustfile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'locust-ts-lf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

async function loadError(path: string): Promise<string> {
  const err = await loadLocustfile(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LocustfileError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('loadLocustfile', () => {
  it('loads the example locustfile: SimpleUser with its @task and between(1, 2)', async () => {
    const lf = await loadLocustfile(new URL('../../../../examples/locustfile.ts', import.meta.url).pathname);
    expect(lf.userClasses.map((c) => c.name)).toEqual(['SimpleUser']);
    expect(lf.describeUserClasses()).toEqual([{ name: 'SimpleUser', weight: 1, fixedCount: 0, tasks: { hello: 1 } }]);
  });

  it('loads a plain .js locustfile with static tasks, weights, fixedCount, abstract bases and a default export', async () => {
    const path = file(
      'plain.js',
      `import { HttpUser, User, constant } from 'locust-ts';
       export class Base extends HttpUser { static abstract = true; static tasks = { a: 1 }; a() {} }
       export class Web extends Base { static weight = 3; static tasks = { a: 2, b: 1 }; waitTime = constant(1); b() {} }
       export class Admin extends User { static fixedCount = 1; static tasks = [function ping() {}]; }
       export default Web;`,
    );
    const lf = await loadLocustfile(path);
    expect(lf.describeUserClasses()).toEqual([
      { name: 'Admin', weight: 1, fixedCount: 1, tasks: { ping: 1 } },
      { name: 'Web', weight: 3, fixedCount: 0, tasks: { a: 2, b: 1 } },
    ]);
  });

  it("resolves 'locust-ts' from an ESM project anywhere on disk to this worker's own classes", async () => {
    mkdirSync(join(dir, 'esm'));
    writeFileSync(join(dir, 'esm', 'package.json'), '{"type":"module"}');
    const path = join(dir, 'esm', 'locustfile.ts');
    writeFileSync(path, `import { HttpUser, task, constant } from 'locust-ts';\nexport class Esm extends HttpUser {\n  waitTime = constant(1);\n  @task(2) hello() {}\n}\n`);
    const lf = await loadLocustfile(path);
    expect(lf.describeUserClasses()).toEqual([{ name: 'Esm', weight: 1, fixedCount: 0, tasks: { hello: 2 } }]);
    expect(lf.userClasses[0]!.prototype).toBeInstanceOf(HttpUser);
  });

  it('a syntax error is one line naming the file and position', async () => {
    const message = await loadError(file('syntax.ts', `import { HttpUser } from 'locust-ts';\nexport class U extends HttpUser {\n  hello( {\n}\n`));
    expect(message).toMatch(/syntax\.ts:\d+:\d+: syntax error: /);
  });

  it('a syntax error names its exact line and column (1-based, as editors count)', async () => {
    const message = await loadError(file('syntax-at.ts', `import { User } from 'locust-ts';\nexport class U extends User {\n  t() { return 1 +; }\n}\n`));
    expect(message).toBe(`${join(dir, 'syntax-at.ts')}:3:19: syntax error: Unexpected ";"`);
  });

  it('a .cjs syntax error names its line and column', async () => {
    const message = await loadError(file('syntax.cjs', `const { User } = require('locust-ts');\nclass U extends User {\n  t() { return 1 +; }\n}\n`));
    expect(message).toBe(`${join(dir, 'syntax.cjs')}:3:19: syntax error: Unexpected token ';'`);
  });

  // (vitest replaces Node's source-mapped stacks with its own: test/cli/locustfile-errors.test.ts
  // checks mapped lines through the real CLI; this sibling has no line that compiling removes)
  it("an error thrown in a sibling module names the sibling's line and column", async () => {
    file('sibling-helper.ts', `export function fail(): never {\n  throw new RangeError('no such stage');\n}\nfail();\n`);
    const message = await loadError(file('sibling.ts', `import { User } from 'locust-ts';\nimport './sibling-helper.js';\nexport class U extends User {}\n`));
    expect(message).toBe(`${join(dir, 'sibling-helper.ts')}:2:9: RangeError: no such stage`);
  });

  it('a missing package, sibling or export names the import that asks for it', async () => {
    const pkg = await loadError(file('nopkg.ts', `import { User } from 'locust-ts';\nimport { x } from 'no-such-package';\nexport class U extends User { y = x; }\n`));
    expect(pkg).toBe(`${join(dir, 'nopkg.ts')}:2:20: Error: Cannot find package 'no-such-package' imported from ${join(dir, 'nopkg.ts')}`);
    const sibling = await loadError(file('nosib.ts', `import { User } from 'locust-ts';\n\nimport { a } from './not-here.js';\nexport class U extends User { b = a; }\n`));
    expect(sibling).toMatch(new RegExp(`^${join(dir, 'nosib.ts')}:3:22: Error: Cannot find module '.*not-here\\.js' imported from`));
    const name = await loadError(file('noexport.ts', `import { User, HttpUzer } from 'locust-ts';\nexport class U extends HttpUzer {}\nexport class V extends User {}\n`));
    expect(name).toBe(`${join(dir, 'noexport.ts')}:1:16: syntax error: The requested module 'locust-ts' does not provide an export named 'HttpUzer'`);
  });

  it('no message a person reads carries a data: URL', async () => {
    for (const name of ['syntax-at.ts', 'sibling.ts', 'nopkg.ts', 'noexport.ts']) expect(await loadError(join(dir, name))).not.toContain('data:');
  });

  it('a file without a user class says so', async () => {
    const message = await loadError(file('none.ts', `export const x = 1;\nexport class NotAUser {}\n`));
    expect(message).toMatch(/none\.ts: no user class found; export a class extending HttpUser or User/);
  });

  it('a wait time that is not a wait time function is a bad wait time', async () => {
    const message = await loadError(
      file('badwait.ts', `import { HttpUser } from 'locust-ts';\nexport class U extends HttpUser {\n  waitTime = 5 as never;\n  static tasks = { t: 1 };\n  t() {}\n}\n`),
    );
    expect(message).toMatch(/badwait\.ts: bad wait time: U\.waitTime is number 5; use between\(min, max\)/);
  });

  it('between(2, 1) is a bad wait time', async () => {
    const message = await loadError(
      file('between.ts', `import { HttpUser, between } from 'locust-ts';\nexport class U extends HttpUser {\n  waitTime = between(2, 1);\n  static tasks = { t: 1 };\n  t() {}\n}\n`),
    );
    expect(message).toMatch(/between\.ts: bad wait time: between\(2, 1\): min must not exceed max/);
  });

  it('finds the one concrete load shape class, skipping abstract bases; none is null', async () => {
    const lf = await loadLocustfile(
      file(
        'shape.ts',
        `import { HttpUser, LoadTestShape } from 'locust-ts';\nexport class U extends HttpUser { static tasks = { t: 1 }; t() {} }\n` +
          `export class Base extends LoadTestShape { static abstract = true; tick() { return null; } }\n` +
          `export class Ramp extends Base { tick() { return [1, 1] as const; } }\n`,
      ),
    );
    expect(lf.shapeClass?.name).toBe('Ramp');
    const plain = await loadLocustfile(new URL('../../../../examples/locustfile.ts', import.meta.url).pathname);
    expect(plain.shapeClass).toBeNull();
    const example = await loadLocustfile(new URL('../../../../examples/shape-locustfile.ts', import.meta.url).pathname);
    expect(example.shapeClass?.name).toBe('StagesShape');
  });

  it('two concrete load shape classes are a one-line error naming both', async () => {
    const message = await loadError(
      file(
        'shapes.ts',
        `import { HttpUser, LoadTestShape } from 'locust-ts';\nexport class U extends HttpUser { static tasks = { t: 1 }; t() {} }\n` +
          `export class A extends LoadTestShape { tick() { return null; } }\nexport class B extends LoadTestShape { tick() { return null; } }\n`,
      ),
    );
    expect(message).toMatch(/shapes\.ts: more than one load shape class \(A, B\)/);
  });

  it('a user class without tasks, and a missing file, are one-line errors', async () => {
    expect(await loadError(file('notasks.ts', `import { HttpUser } from 'locust-ts';\nexport class Idle extends HttpUser {}\n`))).toMatch(/Idle has no tasks/);
    expect(await loadError(join(dir, 'missing.ts'))).toMatch(/Could not find locustfile/);
  });
});
