/** The shared test helpers themselves: child processes are always cleaned up, Python is Debian's. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON, runPython } from '@locust-ts/test-support/python';
import { killAllChildren, spawnAndWaitForLine, spawnChild } from '@locust-ts/test-support/process';
import { freePort } from '@locust-ts/test-support/ports';

afterAll(killAllChildren);

/** Running (a zombie waiting for a reaper counts as gone). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('test helpers', () => {
  it('stop() ends the whole process group, grandchildren included, even if SIGTERM is ignored', async () => {
    const script = `trap '' TERM; sleep 60 & echo "grandchild $!"; wait`;
    const { handle, line } = await spawnAndWaitForLine('bash', ['-c', script], /^grandchild \d+$/);
    const grandchild = Number(line.split(' ')[1]);
    expect(isAlive(grandchild)).toBe(true);
    const exit = await handle.stop(200);
    expect(exit.signal).toBe('SIGKILL');
    // The grandchild got the group's signal too (allow the kernel a moment to reap it).
    for (let i = 0; i < 50 && isAlive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('stop() after the process exited still kills what it left running in its group', async () => {
    const { handle, line } = await spawnAndWaitForLine('bash', ['-c', 'sleep 60 & echo "orphan $!"'], /^orphan \d+$/);
    const orphan = Number(line.split(' ')[1]);
    await handle.waitForExit();
    expect(isAlive(orphan)).toBe(true);
    await handle.stop();
    for (let i = 0; i < 50 && isAlive(orphan); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(orphan)).toBe(false);
  });

  it('waitForLine rejects with the output when the process exits first', async () => {
    const handle = spawnChild('bash', ['-c', 'echo starting; echo "bad flag" >&2; exit 3']);
    await expect(handle.waitForLine(/listening/)).rejects.toThrow(/exited \(3\) before printing \/listening\/[\s\S]*bad flag/);
  });

  it('runPython uses /usr/bin/python3 with the Debian msgpack, zmq and locust packages', async () => {
    expect(PYTHON).toBe('/usr/bin/python3');
    const out = await runPython('import msgpack, zmq, locust.stats, sys; print(sys.stdin.read().upper())', 'ok');
    expect(out.trim()).toBe('OK');
    await expect(runPython('raise SystemExit("boom")')).rejects.toThrow(/boom/);
  });

  it('freePort gives distinct usable ports', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });
});
