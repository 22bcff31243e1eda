/**
 * Locustfiles are modules like any other TypeScript file, wherever they live (here: a fresh
 * folder under the system's temp dir, outside this repository, with no package.json unless a
 * test writes one): .ts, .mts, .js, .mjs and .cjs, top-level await where the form allows it,
 * sibling modules imported the TypeScript way, packages installed beside the locustfile.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpUser, User } from '../user.js';
import { LoadTestShape } from '../shape.js';
import { loadLocustfile } from './load.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh project folder outside the repository holding `files` (path → text). */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'locust-ts-modules-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

// A user whose weight comes from a top-level await: it loads only if the await ran.
const TLA_USER = `
const weight = await Promise.resolve(3);
export class Tla extends User {
  static weight = weight;
  static tasks = { t: 1 };
  t() {}
}
`;

describe('locustfile module forms outside the repository, no package.json', () => {
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) {
    it(`${ext} with top-level await`, async () => {
      const root = project({ [`locustfile${ext}`]: `import { User } from 'locust-ts';\n${TLA_USER}` });
      const lf = await loadLocustfile(join(root, `locustfile${ext}`));
      expect(lf.describeUserClasses()).toEqual([{ name: 'Tla', weight: 3, fixedCount: 0, tasks: { t: 1 } }]);
      expect(lf.userClasses[0]!.prototype).toBeInstanceOf(User);
    });
  }

  it('.ts with decorators and type-only imports not marked `import type`', async () => {
    const root = project({
      'locustfile.ts': `import { HttpUser, task, type UserEnvironment, Environment } from 'locust-ts';
const ready: boolean = await Promise.resolve(true);
export class Web extends HttpUser {
  declare env: UserEnvironment;
  other?: Environment;
  @task(2) home() {}
  @task() about() {}
}
export const isReady = ready;
`,
    });
    const lf = await loadLocustfile(join(root, 'locustfile.ts'));
    expect(lf.describeUserClasses()).toEqual([{ name: 'Web', weight: 1, fixedCount: 0, tasks: { home: 2, about: 1 } }]);
    expect(lf.userClasses[0]!.prototype).toBeInstanceOf(HttpUser);
  });

  it('.cjs requiring locust-ts (module.exports)', async () => {
    const root = project({
      'locustfile.cjs': `const { User, constant } = require('locust-ts');
class Cjs extends User { static tasks = { t: 1 }; waitTime = constant(1); t() {} }
module.exports = { Cjs };
`,
    });
    const lf = await loadLocustfile(join(root, 'locustfile.cjs'));
    expect(lf.describeUserClasses()).toEqual([{ name: 'Cjs', weight: 1, fixedCount: 0, tasks: { t: 1 } }]);
    expect(lf.userClasses[0]!.prototype).toBeInstanceOf(User);
  });

  it('a CommonJS-style .js (require, module.exports, __dirname) without package.json', async () => {
    const root = project({
      'helper.cjs': `module.exports = { weight: 4 };\n`,
      'locustfile.js': `const { User } = require('locust-ts');
const { weight } = require('./helper.cjs');
class Old extends User { static weight = weight; static tasks = { t: 1 }; t() {} }
Old.where = __dirname;
module.exports = { Old };
`,
    });
    const lf = await loadLocustfile(join(root, 'locustfile.js'));
    expect(lf.describeUserClasses()).toEqual([{ name: 'Old', weight: 4, fixedCount: 0, tasks: { t: 1 } }]);
    expect((lf.userClasses[0] as unknown as { where: string }).where).toBe(root);
  });

  it('.ts with top-level await beside a package.json that says "type": "commonjs"', async () => {
    const root = project({ 'package.json': '{"name":"mine","type":"commonjs"}', 'locustfile.ts': `import { User } from 'locust-ts';\n${TLA_USER}` });
    const lf = await loadLocustfile(join(root, 'locustfile.ts'));
    expect(lf.describeUserClasses()[0]!.weight).toBe(3);
  });
});

describe('imports of a locustfile outside the repository', () => {
  it('sibling modules: ./pages.js is pages.ts, ./shapes is shapes/index.ts, .mjs and JSON as written; import.meta.url is the file', async () => {
    const root = project({
      'pages.ts': `export const PAGES: string[] = ['/', '/about'];\nexport const pageWeight = await Promise.resolve(2);\n`,
      'shapes/index.ts': `import { LoadTestShape } from 'locust-ts';\nexport class Steps extends LoadTestShape { tick() { return null; } }\n`,
      'plain.mjs': `export const fixed = 1;\n`,
      'data.json': `{"answer": 42}`,
      'locustfile.ts': `import { HttpUser, task } from 'locust-ts';
import { PAGES, pageWeight } from './pages.js';
import { fixed } from './plain.mjs';
import data from './data.json' with { type: 'json' };
export { Steps } from './shapes';
export class Pages extends HttpUser {
  static here = import.meta.url;
  static weight = pageWeight + data.answer;
  static fixedCount = fixed;
  @task() visit() { return PAGES; }
}
`,
    });
    const lf = await loadLocustfile(join(root, 'locustfile.ts'));
    expect(lf.describeUserClasses()).toEqual([{ name: 'Pages', weight: 44, fixedCount: 1, tasks: { visit: 1 } }]);
    expect(lf.shapeClass?.name).toBe('Steps');
    expect(lf.shapeClass!.prototype).toBeInstanceOf(LoadTestShape);
    expect((lf.userClasses[0] as unknown as { here: string }).here).toBe(pathToFileURL(join(root, 'locustfile.ts')).href);
  });

  it('packages installed beside it (an ES module package and a CommonJS one), themselves importing locust-ts', async () => {
    const root = project({
      'node_modules/esm-users/package.json': '{"name":"esm-users","type":"module","exports":{".":"./index.js"}}',
      'node_modules/esm-users/index.js': `import { User } from 'locust-ts';\nexport class Base extends User { static abstract = true; static tasks = { t: 1 }; t() {} }\n`,
      'node_modules/cjs-weights/package.json': '{"name":"cjs-weights","main":"main.js"}',
      'node_modules/cjs-weights/main.js': `const { constant } = require('locust-ts');\nexports.weight = 5;\nexports.wait = constant(2);\n`,
      'locustfile.ts': `import { Base } from 'esm-users';
import { weight, wait } from 'cjs-weights';
export class FromPackages extends Base { static weight = weight; waitTime = wait; }
`,
    });
    const lf = await loadLocustfile(join(root, 'locustfile.ts'));
    expect(lf.describeUserClasses()).toEqual([{ name: 'FromPackages', weight: 5, fixedCount: 0, tasks: { t: 1 } }]);
    expect(lf.userClasses[0]!.prototype).toBeInstanceOf(User);
  });

  it('the same with a package.json beside the locustfile', async () => {
    const root = project({
      'package.json': '{"name":"my-load-test","private":true,"type":"module","dependencies":{"helpers":"*"}}',
      'node_modules/helpers/package.json': '{"name":"helpers","type":"module","exports":"./index.js"}',
      'node_modules/helpers/index.js': `export const paths = ['/a', '/b'];\n`,
      'lib/weights.ts': `export const weight: number = 7;\n`,
      'locustfile.ts': `import { User } from 'locust-ts';\nimport { paths } from 'helpers';\nimport { weight } from './lib/weights';\nexport class P extends User { static weight = weight + paths.length; static tasks = { t: 1 }; t() {} }\n`,
    });
    const lf = await loadLocustfile(join(root, 'locustfile.ts'));
    expect(lf.describeUserClasses()[0]!.weight).toBe(9);
  });
});
