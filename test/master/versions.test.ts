/**
 * K4: the master speaks the protocol each worker announced. Locust 2.12.x (and Debian's packaged
 * Locust, which announces "") has no master `heartbeat` and no `spawning_complete` broadcast — a
 * 2.12.1 worker logs "Unknown message type received" for each; workers announcing a newer version
 * get both, as the newest Locust master sends them (runners.py: `heartbeat` reply per heartbeat,
 * `spawning_complete` to every worker after a ramp).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LOCUST_TS_WORKER_VERSION } from '@locust-ts/protocol';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { LOCUST_BIN } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';
import { spawnChild } from '@locust-ts/test-support/process';
import { TS_LOCUSTFILE, TestSwarm, startPythonWorker, waitFor } from '@locust-ts/test-support/swarm';
import { ScriptedWorker } from '@locust-ts/test-support/scripted-worker';
import { loadLocustfile } from '@locust-ts/worker';

/** Worker versions the version check sees differently (Locust: equal, same first 4 characters, other). */
const PYTHON_2_12_VERSIONS = ['2.12.1', '2.12.0', '2.11.0', '1.4.0'];

/** The version lines of a master's log, `LEVEL text`, with each worker's id replaced by the version it announced. */
function versionLines(log: string, workers: ScriptedWorker[], versions: string[]): string[] {
  return log
    .split('\n')
    .map((line) => /\/(DEBUG|INFO|WARNING|ERROR)\/[\w.]+: (.*running a different.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => workers.reduce((text, w, i) => text.replaceAll(w.id, `<worker ${versions[i]}>`), `${m[1]} ${m[2]}`))
    .sort();
}

describe('version-aware master', () => {
  const swarms: TestSwarm[] = [];
  afterAll(() => Promise.all(swarms.map((s) => s.stop())));

  it('no heartbeat replies or spawning_complete to 2.12 workers; newest workers get both', async () => {
    const swarm = new TestSwarm();
    swarms.push(swarm);
    const master = await swarm.startMaster({ userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }], headless: false, webPort: 0, webHost: '127.0.0.1' });
    const newest = new ScriptedWorker(master.port, null, '2.46.3');
    const debian = new ScriptedWorker(master.port, null, '');
    const old = new ScriptedWorker(master.port, null, '2.12.1');
    swarm.scripted.push(newest, debian, old);
    for (const w of swarm.scripted) await w.register();
    await master.runner.start({ userCount: 3, spawnRate: 100 });
    await newest.next('spawning_complete');
    // the 2.12 workers beat as often as the newest one: by its second reply after the broadcast they had their chance
    await newest.next('heartbeat');
    await newest.next('heartbeat');
    for (const w of [debian, old]) {
      const types = w.received.map((m) => m.type);
      expect(types).toContain('spawn');
      expect(types).not.toContain('heartbeat');
      expect(types).not.toContain('spawning_complete');
    }
    expect(master.runner.workers().map((w) => w.userCount)).toEqual([1, 1, 1]);
  });

  it('a real Python 2.12.1 worker runs users and never logs an unknown message type', async () => {
    const swarm = new TestSwarm();
    swarms.push(swarm);
    const locustfile = writePythonLocustfile();
    const { master } = await swarm.startHeadless({ locustfile, users: 2, spawnRate: 10, runTime: 4, expectWorkers: 1 });
    const worker = startPythonWorker(locustfile, master.port);
    swarm.processes.push(worker);
    await waitFor(() => master.runner.state === 'running' && master.runner.userCount === 2, 30_000, '2 users on the Python worker');
    expect(await master.done).toBe(0);
    await worker.waitForLine(/Got quit message from master/, 10_000);
    expect(master.runner.stats.get('/hello', 'GET').numRequests).toBeGreaterThan(0);
    expect(worker.output).not.toContain('Unknown message type received');
    // Debian's worker announces "": accepted (a Python master refuses it), and no version warning
    expect(swarm.sink.text).not.toMatch(/\/WARNING\/.*version/);
  });

  it('a locust-ts worker of the master\'s own release gets no version line (a local run, pnpm dev)', async () => {
    const swarm = new TestSwarm();
    swarms.push(swarm);
    const lf = await loadLocustfile(TS_LOCUSTFILE);
    const master = await swarm.startMaster({ userClasses: lf.describeUserClasses(), headless: false, webPort: 0, webHost: '127.0.0.1', loglevel: 'DEBUG' });
    swarm.startWorkers(1, lf.userClasses);
    await waitFor(() => master.runner.workerCount() === 1, 30_000, 'the locust-ts worker to register');
    expect(swarm.sink.text).toContain('reported as ready');
    expect(swarm.sink.text).not.toMatch(/running a different/);
    // another locust-ts release is named as one
    const older = new ScriptedWorker(master.port, null, LOCUST_TS_WORKER_VERSION.replace(/locust-ts\.[\d.]+$/, 'locust-ts.0.0.9'));
    swarm.scripted.push(older);
    await older.register();
    expect(swarm.sink.text).toMatch(/WARNING\/[\w.]+: A worker \(\S+\) running a different version \(locust-ts 0\.0\.9\) connected, master version is locust-ts \d/);
  });

  it('Python workers of Locust 2.12.x and older: the same version lines as a real Python 2.12.1 master', async () => {
    // the Python master: Debian's Locust with its version pinned to 2.12.1 (it is empty otherwise)
    const port = await freePort();
    const python = spawnChild(
      LOCUST_BIN,
      ['-f', writePythonLocustfile({ pinVersion: true }), '--master', '--headless', '--expect-workers', '99', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--loglevel', 'DEBUG'],
      { env: { ...process.env, PYTHONUNBUFFERED: '1' } },
    );
    const swarm = new TestSwarm();
    swarms.push(swarm);
    swarm.processes.push(python);
    const pyWorkers = PYTHON_2_12_VERSIONS.map((v) => new ScriptedWorker(port, null, v));
    swarm.scripted.push(...pyWorkers);
    for (const w of pyWorkers) await w.register();
    await waitFor(() => (python.output.match(/reported as ready/g) ?? []).length === pyWorkers.length, 30_000, 'the Python master to register every worker');

    const master = await swarm.startMaster({ userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }], headless: false, webPort: 0, webHost: '127.0.0.1', loglevel: 'DEBUG' });
    const tsWorkers = PYTHON_2_12_VERSIONS.map((v) => new ScriptedWorker(master.port, null, v));
    swarm.scripted.push(...tsWorkers);
    for (const w of tsWorkers) await w.register();

    const expected = versionLines(python.output, pyWorkers, PYTHON_2_12_VERSIONS);
    // the recorded truth: a warning for another minor version, a debug line for another patch, nothing when equal
    expect(expected).toEqual([
      'DEBUG A worker (<worker 2.12.0>) running a different patch version (2.12.0) connected, master version is 2.12.1',
      'WARNING A worker (<worker 1.4.0>) running a different version (1.4.0) connected, master version is 2.12.1',
      'WARNING A worker (<worker 2.11.0>) running a different version (2.11.0) connected, master version is 2.12.1',
    ]);
    expect(versionLines(swarm.sink.text, tsWorkers, PYTHON_2_12_VERSIONS)).toEqual(expected);
  });
});
