/**
 * TS master + 2 real Python Locust 2.12.1 workers (Debian: they send "" as version), headless,
 * 10 users for 10 s: 5 users each, GET /hello merged with 0 failures, Locust's CSV files, exit 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REQUESTS_CSV_COLUMNS, STATS_HISTORY_CSV_COLUMNS } from '@locust-ts/master';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { TestSwarm, startPythonWorker, waitFor } from '@locust-ts/test-support/swarm';

describe('TS master with real Python Locust 2.12.1 workers', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('headless 10 users for 10 s: 5 per worker, GET /hello without failures, CSV, exit code 0', async () => {
    const locustfile = writePythonLocustfile();
    const csvPrefix = join(dirname(locustfile), 'run');
    const { sink } = swarm;
    const { target, master } = await swarm.startHeadless({
      locustfile, // user classes read from the .py file with python3
      users: 10,
      spawnRate: 10,
      runTime: 10,
      expectWorkers: 2,
      csvPrefix,
    });
    expect(master.runner.userClasses().map((c) => c.name)).toEqual(['SimpleUser']);
    swarm.processes.push(startPythonWorker(locustfile, master.port), startPythonWorker(locustfile, master.port));
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 10, 20_000, '10 users on the Python workers');
    const table = runner.workers();
    expect(table.map((w) => w.userCount)).toEqual([5, 5]);
    expect(table.map((w) => w.state)).toEqual(['running', 'running']);

    const code = await master.done;
    expect(code).toBe(0);
    const get = runner.stats.get('/hello', 'GET');
    expect(get.numRequests).toBeGreaterThan(50);
    expect(get.numFailures).toBe(0);
    expect(runner.stats.errors.size).toBe(0);
    // every request the master counted reached the target (the target may see a few unreported in-flight ones)
    expect(get.numRequests).toBeLessThanOrEqual(target.requests());

    expect(sink.text).toMatch(/sent an empty version .*accepting it/);
    expect(sink.text).toContain('Waiting for workers to be ready, 0 of 2 connected');
    expect(sink.text).toContain('Shutting down (exit code 0)');

    for (const suffix of ['_stats.csv', '_failures.csv', '_exceptions.csv', '_stats_history.csv']) {
      expect(existsSync(`${csvPrefix}${suffix}`), suffix).toBe(true);
    }
    const statsCsv = readFileSync(`${csvPrefix}_stats.csv`, 'utf8').split('\r\n');
    expect(statsCsv[0]).toBe(REQUESTS_CSV_COLUMNS.join(','));
    expect(statsCsv[1]).toMatch(new RegExp(`^GET,/hello,${get.numRequests},0,`));
    expect(statsCsv[2]).toMatch(new RegExp(`^,Aggregated,${get.numRequests},0,`));
    expect(readFileSync(`${csvPrefix}_failures.csv`, 'utf8')).toBe('Method,Name,Error,Occurrences,First Seen,Last Seen\r\n'); // newest Locust's columns
    const history = readFileSync(`${csvPrefix}_stats_history.csv`, 'utf8').trim().split('\r\n');
    expect(history[0]).toBe(STATS_HISTORY_CSV_COLUMNS.join(','));
    expect(history.length).toBeGreaterThan(8); // one row a second
    expect(history.at(-1)).toMatch(new RegExp(`^\\d+,\\d+,,Aggregated,`));
    console.log(`2 Python workers: users ${table.map((w) => w.userCount).join(',')}; GET /hello ${get.numRequests} requests (target saw ${target.requests()}), ${history.length - 1} history rows, exit ${code}`);
  });
});
