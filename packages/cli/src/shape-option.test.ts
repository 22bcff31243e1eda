/** `--shape` as an option: command line, `LOCUST_SHAPE`, config file `shape`, and its checks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, parseOptions } from './options.js';

const scratch = mkdtempSync(join(tmpdir(), 'shape-option-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const parse = (argv: string[], env: Record<string, string> = {}, cwd = scratch) => parseOptions(argv, { env, cwd, home: null });

function shapeOf(argv: string[], env: Record<string, string> = {}, cwd = scratch): string | null {
  const result = parse(argv, env, cwd);
  if (result.kind !== 'run') throw new Error(`expected a run, got ${result.kind}`);
  expect(result.parsedOptions).not.toHaveProperty('shape'); // not a Locust option: never sent to workers
  return result.options.shape;
}

describe('--shape', () => {
  const spec = 'square:base=0,peak=10,on=3s,off=3s,cycles=2';
  it('comes from the command line, LOCUST_SHAPE or a config file (command line wins)', () => {
    expect(shapeOf([])).toBeNull();
    expect(shapeOf(['--shape', spec])).toBe(spec);
    expect(shapeOf([], { LOCUST_SHAPE: spec })).toBe(spec);
    const dir = mkdtempSync(join(scratch, 'conf-'));
    writeFileSync(join(dir, 'locust.conf'), `shape = ${spec}\n`);
    expect(shapeOf([], {}, dir)).toBe(spec);
    expect(shapeOf(['--shape', 'spike:peak=5,at=1s,hold=1s'], { LOCUST_SHAPE: spec }, dir)).toBe('spike:peak=5,at=1s,hold=1s');
  });
  it('a bad spec is a usage error (exit 2) naming the bad part', () => {
    const bad = () => parse(['--shape', 'square:peak=10,on=3x']);
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow('--shape "square:peak=10,on=3x": on=3x is not a duration (examples: 30s, 1m30s, 500ms, 2.5 (seconds))');
    expect(bad).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parse([], { LOCUST_SHAPE: 'blob:x=1' })).toThrow("unknown shape 'blob'");
  });
  it('belongs to the master, not to workers', () => {
    expect(() => parse(['--worker', '--shape', spec])).toThrow('--shape should be specified on the master node, and not on worker nodes');
  });
});
