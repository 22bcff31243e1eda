/** `pyproject.toml`'s `[tool.locust]` as a config file, as the newest Locust reads it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError, parseOptions } from './options.js';

const dirs: string[] = [];
function project(toml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pyproject-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'pyproject.toml'), toml);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('pyproject.toml [tool.locust]', () => {
  it('sets options like locust.conf; the environment and command line win', () => {
    const cwd = project('[project]\nname = "x"\n\n[tool.locust]\nlocustfile = "a.ts"\nheadless = true\nusers = 5\nspawn-rate = 2.5\ntags = ["a", "b"]\nhost = "http://conf"\n');
    const r = parseOptions(['-u', '7'], { cwd, home: null, env: { LOCUST_HOST: 'http://env' } });
    if (r.kind !== 'run') throw new Error('expected a run');
    expect(r.options).toMatchObject({ locustfile: 'a.ts', headless: true, users: 7, spawnRate: 2.5, tags: ['a', 'b'], host: 'http://env' });
  });

  it('an unknown key and bad TOML are one-line usage errors; a pyproject without [tool.locust] is ignored', () => {
    expect(() => parseOptions([], { cwd: project('[tool.locust]\nnope = 1\n'), home: null, env: {} })).toThrow(/unrecognized option 'nope' in \[tool\.locust\]/);
    expect(() => parseOptions([], { cwd: project('[tool.locust\n'), home: null, env: {} })).toThrow(UsageError);
    const r = parseOptions([], { cwd: project('[project]\nname = "x"\n'), home: null, env: {} });
    expect(r.kind).toBe('run');
  });
});
