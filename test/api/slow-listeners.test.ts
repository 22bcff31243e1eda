/**
 * Every runner event's listener is waited for before the runner goes on, side by side with Python
 * Locust 2.12.1: there a listener blocks its greenlet (gevent.sleep in the fixture), here an
 * `async` listener is awaited. The begin/end marks of init, testStart, spawningComplete,
 * testStopping, testStop, quitting and quit must come in the same order on both sides — on a
 * local run, on a master and on its worker — so a listener that uploads a report at testStop or
 * flushes a file at quit is not cut short.
 */
import { describe, expect, it } from 'vitest';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { ended, pairStarter, marks } from '@locust-ts/test-support/side-by-side';
import { freePort } from '@locust-ts/test-support/ports';

const runs = useBinRuns('slow-listeners-');
const FIXTURE = { python: 'test/api/fixtures/slow-listeners.py', ts: 'test/api/fixtures/slow-listeners.ts' };
const EVENTS = ['init', 'testStart', 'spawningComplete', 'testStopping', 'testStop', 'quitting', 'quit'];

const start = pairStarter(FIXTURE);

const common = () => ['--headless', '-u', '1', '-r', '1', '-t', '2s', '-H', runs.targetUrl, '--only-summary'];
/** Each listener ends before the next begins. */
const sequential = EVENTS.flatMap((e) => [`${e} begin`, `${e} end`]);

describe("async runner-event listeners are awaited where Locust's block", () => {
  it('local run', async () => {
    const [python, ts] = await Promise.all(
      (['python', 'ts'] as const).map(async (side) => {
        const p = start(side, common());
        return { code: await ended(p), marks: marks(p) };
      }),
    );
    expect(python.marks).toEqual(sequential);
    expect(ts.marks).toEqual(python.marks);
    expect(ts.code).toBe(python.code);
  }, 120_000);

  it('master and worker', async () => {
    const [python, ts] = await Promise.all(
      (['python', 'ts'] as const).map(async (side) => {
        const port = String(await freePort());
        const master = start(side, [...common(), '--master', '--expect-workers', '1', '--master-bind-host', '127.0.0.1', '--master-bind-port', port]);
        const worker = start(side, ['--worker', '--master-host', '127.0.0.1', '--master-port', port]);
        const [masterCode, workerCode] = await Promise.all([ended(master), ended(worker)]);
        return { codes: [masterCode, workerCode], master: marks(master), worker: marks(worker) };
      }),
    );
    expect(python.master).toEqual(sequential);
    expect(python.worker).toEqual(sequential);
    expect(ts.master).toEqual(python.master);
    expect(ts.worker).toEqual(python.worker);
    expect(ts.codes).toEqual(python.codes);
  }, 120_000);
});
