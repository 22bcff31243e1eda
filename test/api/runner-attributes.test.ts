/**
 * Locust's runner attributes (targetUserCount, userCount, userClassesCount,
 * targetUserClassesCount, spawnRate, workerCount, clients, state, workerIndex, stats,
 * environment) read at each runner event, side by side with Python Locust 2.12.1 running the
 * same two weighted classes: on a local run, a master and its worker. Compared: every attribute
 * Python's runner of that kind has, at every moment — except where docs/porting.md ("Runner
 * attributes") says the two differ on purpose: a Python master's `user_classes_count` is always
 * zeros (it counts its own users), and on quit Python fires the master's test_stop before its
 * workers leave (locust-ts after, with their last reports counted).
 */
import { describe, expect, it } from 'vitest';
import { type Started } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { ended, pairStarter } from '@locust-ts/test-support/side-by-side';
import { freePort } from '@locust-ts/test-support/ports';

const runs = useBinRuns('runner-attributes-');
const FIXTURE = { python: 'test/api/fixtures/runner-attributes.py', ts: 'test/api/fixtures/runner-attributes.ts' };
const MOMENTS = ['testStart', 'spawningComplete', 'testStopping', 'testStop'];

type Attrs = Record<string, Record<string, unknown>>;

const start = pairStarter(FIXTURE);

function attrs(p: Started): Attrs {
  const out: Attrs = {};
  for (const m of p.output().matchAll(/^ATTRS (\w+) (.+)$/gm)) out[m[1]!] = JSON.parse(m[2]!) as Record<string, unknown>;
  return out;
}

/** The TS values of the attributes Python's runner has, at the moments given. */
function sameAsPython(ts: Attrs, python: Attrs, moments: string[], skip: string[] = []): void {
  for (const moment of moments) {
    expect(python[moment], `Python printed no ${moment}`).toBeDefined();
    const keys = Object.keys(python[moment]!).filter((k) => !skip.includes(k));
    const pick = (a: Attrs) => Object.fromEntries(keys.map((k) => [k, a[moment]?.[k]]));
    expect({ moment, ...pick(ts) }).toEqual({ moment, ...pick(python) });
  }
}

const common = () => ['--headless', '-u', '4', '-r', '4', '-t', '2s', '-H', runs.targetUrl, '--only-summary'];

describe("Locust's runner attributes, as Python Locust 2.12.1's at the same moments", () => {
  it('local run', async () => {
    const [python, ts] = await Promise.all(
      (['python', 'ts'] as const).map(async (side) => {
        const p = start(side, common());
        await ended(p);
        return attrs(p);
      }),
    );
    expect(python.spawningComplete).toMatchObject({ targetUserCount: 4, userCount: 4, targetUserClassesCount: { Alpha: 3, Beta: 1 } });
    sameAsPython(ts, python, MOMENTS);
    // what Locust's LocalRunner lacks in 2.12.1 and has in the newest Locust
    expect(ts.testStart).toMatchObject({ workerCount: 1, clients: 1, spawnRate: 4 });
  }, 120_000);

  it('master and worker', async () => {
    const [python, ts] = await Promise.all(
      (['python', 'ts'] as const).map(async (side) => {
        const port = String(await freePort());
        const master = start(side, [...common(), '--master', '--expect-workers', '1', '--master-bind-host', '127.0.0.1', '--master-bind-port', port]);
        const worker = start(side, ['--worker', '--master-host', '127.0.0.1', '--master-port', port]);
        await Promise.all([ended(master), ended(worker)]);
        return { master: attrs(master), worker: attrs(worker) };
      }),
    );
    expect(python.master.testStart).toMatchObject({ targetUserCount: 4, spawnRate: 4, workerCount: 1, clients: 1, state: 'ready' });
    sameAsPython(ts.master, python.master, ['testStart', 'spawningComplete', 'testStopping'], ['userClassesCount']);
    sameAsPython(ts.worker, python.worker, MOMENTS);
  }, 120_000);
});
