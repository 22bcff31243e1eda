/**
 * Locust 2.12.1's examples/custom_messages.py and its straight TypeScript port, each on a master
 * with two workers of its own kind: at test start the master splits `targetUserCount` usernames
 * over `workerCount` workers, iterating `runner.clients` for the ids it sends them to; each worker
 * thanks the master for its share and its users print the names they took. Both sides must print
 * the same thanks and the same names.
 */
import { describe, expect, it } from 'vitest';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { ended, pairStarter } from '@locust-ts/test-support/side-by-side';
import { freePort } from '@locust-ts/test-support/ports';

const runs = useBinRuns('ported-custom-messages-');
const FIXTURE = { python: 'test/api/fixtures/ported/custom_messages.py', ts: 'test/api/fixtures/ported/custom_messages.ts' };

const start = pairStarter(FIXTURE);

async function swarm(side: 'python' | 'ts'): Promise<{ codes: number[]; thanks: string[]; names: string[] }> {
  const port = String(await freePort());
  const master = start(side, [
    '--headless', '-u', '4', '-r', '4', '-t', '4s', '-H', runs.targetUrl, '--only-summary',
    '--master', '--expect-workers', '2', '--master-bind-host', '127.0.0.1', '--master-bind-port', port,
  ]);
  const workers = [0, 1].map(() => start(side, ['--worker', '--master-host', '127.0.0.1', '--master-port', port]));
  const codes = await Promise.all([master, ...workers].map(ended));
  const thanks = [...master.output().matchAll(/^Thanks for the .*$/gm)].map((m) => m[0]);
  const names = new Set(workers.flatMap((w) => [...w.output().matchAll(/^User\d+$/gm)].map((m) => m[0])));
  return { codes, thanks, names: [...names].sort() };
}

describe("Locust's examples/custom_messages.py, ported", () => {
  it('splits the target user count over the workers by runner.clients, as Python Locust 2.12.1', async () => {
    const [python, ts] = await Promise.all([swarm('python'), swarm('ts')]);
    expect(python.thanks).toEqual(['Thanks for the 2 users!', 'Thanks for the 2 users!']);
    expect(python.names).toEqual(['User0', 'User1', 'User2', 'User3']);
    expect(ts.thanks).toEqual(python.thanks);
    expect(ts.names).toEqual(python.names);
    expect(ts.codes).toEqual(python.codes);
  }, 120_000);
});
