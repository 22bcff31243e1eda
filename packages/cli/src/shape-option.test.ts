/** `--shape` as an option: command line, `LOCUST_SHAPE`, config file `shape`, and its checks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, parseOptions } from './options.js';

const scratch = mkdtempSync(join(tmpdir(), 'shape-option-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shapeOf(argv: string[], env: Record<string, string> = {}, cwd = scratch): string | null {
  const result = parseOptions(argv, { env, cwd, home: null });
  if (result.kind !== 'run') throw new Error(`expected a run, got ${result.kind}`);
  expect(result.parsedOptions).not.toHaveProperty('shape'); // not a Locust option: never sent to workers
  return result.options.shape;
}

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parseOptions(argv, { env, cwd: scratch, home: null });
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
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
    const err = usageError(['--shape', 'square:peak=10,on=3x']);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('--shape "square:peak=10,on=3x": on=3x is not a duration (examples: 30s, 1m30s, 500ms, 2.5 (seconds))');
    expect(usageError([], { LOCUST_SHAPE: 'blob:x=1' }).message).toContain("unknown shape 'blob'");
  });
  it('belongs to the master, not to workers', () => {
    const err = usageError(['--worker', '--shape', spec]);
    expect(err.message).toBe('--shape should be specified on the master node, and not on worker nodes');
  });
});
