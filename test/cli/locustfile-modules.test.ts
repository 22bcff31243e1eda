/**
 * Locustfiles are modules like any other file, through the real CLI (its TypeScript loader is
 * registered beside the locustfile hooks): in a temp folder outside the repository, with no
 * package.json, each form (.ts, .mts, .js, .mjs with top-level await; .cjs) imports a sibling
 * module the TypeScript way and a package installed beside it, and `--list` names its user class.
 * packages/worker/src/locustfile/modules.test.ts covers more forms in-process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, runBin } from '@locust-ts/test-support/process';

const root = mkdtempSync(join(tmpdir(), 'locustfile-modules-'));
afterAll(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

mkdirSync(join(root, 'node_modules', 'shared-pages'), { recursive: true });
writeFileSync(join(root, 'node_modules', 'shared-pages', 'package.json'), '{"name":"shared-pages","type":"module","exports":"./index.js"}');
writeFileSync(join(root, 'node_modules', 'shared-pages', 'index.js'), `export const pages = ['/', '/about'];\n`);
writeFileSync(join(root, 'weights.ts'), `export const weight: number = await Promise.resolve(3);\n`);
writeFileSync(join(root, 'weights.cjs'), `module.exports = { weight: 3 };\n`);

const ES_MODULE = (name: string) => `import { User } from 'locust-ts';
import { pages } from 'shared-pages';
import { weight } from './weights.js';
const ready = await Promise.resolve(pages.length === 2);
export class ${name} extends User {
  static weight = ready ? weight : 0;
  static tasks = { visit: 1 };
  visit() {}
}
`;

describe('locustfile forms through the CLI, outside the repository, no package.json', () => {
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) {
    it(`${ext}: top-level await, a sibling .ts imported as ./weights.js, a package beside it`, async () => {
      const name = `Form${ext.slice(1).toUpperCase()}`;
      const path = join(root, `locustfile${ext}`);
      writeFileSync(path, ES_MODULE(name));
      const { code, output } = await runBin(['-f', path, '--list'], 40_000);
      expect(output).toBe(`Available Users:\n    ${name}\n`);
      expect(code).toBe(0);
    });
  }

  it('.cjs: require of locust-ts and of a sibling', async () => {
    const path = join(root, 'locustfile.cjs');
    writeFileSync(
      path,
      `const { User } = require('locust-ts');\nconst { weight } = require('./weights.cjs');\n` +
        `class FormCJS extends User { static weight = weight; static tasks = { visit: 1 }; visit() {} }\nmodule.exports = { FormCJS };\n`,
    );
    const { code, output } = await runBin(['-f', path, '--list'], 40_000);
    expect(output).toBe('Available Users:\n    FormCJS\n');
    expect(code).toBe(0);
  });
});
