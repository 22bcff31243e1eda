/**
 * The locustfile compile cache: a module is compiled once per source text; the next load (this
 * process or another) reads the cached JavaScript without starting the compiler.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cacheDir = mkdtempSync(join(tmpdir(), 'locust-ts-cache-'));
process.env.LOCUST_TS_CACHE_DIR = cacheDir;
const { compileCacheDir, compileModule } = await import('./compile.mjs');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const entries = () => readdirSync(cacheDir).filter((n) => n.endsWith('.mjs'));
const PATH = '/srv/load/locustfile.ts';
const SOURCE = `import { User, task } from 'locust-ts';\ninterface Plan { n: number }\nexport class U extends User {\n  @task() t(): Plan { return { n: 1 }; }\n}\nawait Promise.resolve();\n`;

describe('compileModule', () => {
  it('compiles TypeScript to an ES module with an inline source map naming the file, and caches it', async () => {
    expect(compileCacheDir()).toBe(cacheDir);
    const code = await compileModule(PATH, SOURCE);
    expect(code).toMatch(/^import \{ User, task \} from "locust-ts";$/m);
    expect(code).not.toContain('interface Plan');
    const map = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)/.exec(code);
    expect(JSON.parse(Buffer.from(map![1]!, 'base64').toString()).sources).toEqual(['locustfile.ts']);
    expect(entries()).toHaveLength(1);
    expect(readFileSync(join(cacheDir, entries()[0]!), 'utf8')).toBe(code);
  });

  it('the same path and source are read from the cache, not compiled again', async () => {
    const [entry] = entries();
    writeFileSync(join(cacheDir, entry!), '// from the cache\n');
    expect(await compileModule(PATH, SOURCE)).toBe('// from the cache\n');
  });

  it('a changed source, or the same source at another path, is compiled again', async () => {
    await compileModule(PATH, `${SOURCE}\n// edited\n`);
    await compileModule('/srv/other/locustfile.ts', SOURCE);
    expect(entries()).toHaveLength(3);
  });

  it('a syntax error is a SyntaxError naming path:line:column, and nothing is cached', async () => {
    const err = await compileModule('/srv/load/broken.ts', 'export const x = (1 +;\n').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SyntaxError);
    expect((err as Error).message).toBe('/srv/load/broken.ts:1:22: Unexpected ";"');
    expect(entries()).toHaveLength(3);
  });
});
