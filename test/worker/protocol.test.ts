/**
 * The worker's protocol behaviour against a scripted master on a real ZeroMQ socket (spec §3,
 * §7.1): spawn sequences taken from real Locust captures, stale spawns, stop, quit, reconnect,
 * unknown types, task exceptions, a restarted master, an unreachable master.
 */
import { readFileSync } from 'node:fs';
import { type SpawnData, type UserClassesCount } from '@locust-ts/protocol';
import { User, type UserClass, type WorkerHandle, constant, runWorker } from '@locust-ts/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { CAPTURES_DIR } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';
import { ScriptedMaster } from '@locust-ts/test-support/scripted-master';
import { Cleanups, collectingLogger, connectWorker, fastTiming, spawnData } from '@locust-ts/test-support/scripted-worker-setup';

class WebsiteUser extends User {
  static tasks = { browse: 1 };
  waitTime = constant(0.05);
  browse(): void {}
}

class ApiUser extends User {
  static tasks = { call: 1 };
  waitTime = constant(0.05);
  call(): void {}
}

class ExplodingUser extends User {
  static tasks = { explode: 1 };
  waitTime = constant(0.1);
  explode(): void {
    throw new Error('capture test exception');
  }
}

/** A master heartbeat timeout short enough to test the newest Locust's give-up. */
const FAST = fastTiming(0.6);

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function setup(userClasses: UserClass[] = [ApiUser, WebsiteUser], port = 0) {
  const logger = collectingLogger();
  const { master, worker, masterPort } = await connectWorker(cleanups, { userClasses, logger, timing: FAST }, port);
  await master.next('heartbeat');
  return { master, worker, logger, masterPort };
}

/** The spawn messages one worker connection received in a capture, in order. */
function capturedSpawns(file: string, conn: number): SpawnData[] {
  const spawns: SpawnData[] = [];
  for (const line of readFileSync(`${CAPTURES_DIR}/${file}`, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { kind: string; type?: string; conn?: number; dir?: string; data?: SpawnData };
    if (r.kind === 'message' && r.type === 'spawn' && r.conn === conn && r.dir === 'master->worker' && r.data) spawns.push(r.data);
  }
  return spawns;
}

async function expectCounts(master: ScriptedMaster, worker: WorkerHandle, counts: UserClassesCount): Promise<void> {
  const complete = await master.next('spawning_complete');
  expect(complete.data.user_classes_count).toEqual(counts);
  expect(complete.data.user_count).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
  const stats = await master.next('stats');
  expect(stats.data.user_classes_count).toEqual(counts);
  expect(worker.runner.userClassesCount()).toEqual(counts);
}

describe('spawn', () => {
  for (const [file, conns] of [
    ['v2121-webui.jsonl', [1, 2]],
    ['head-webui.jsonl', [1, 2]],
  ] as const) {
    it(`applies the spawn sequence each worker got in ${file} (ramp up, rebalance, ramp down)`, async () => {
      for (const conn of conns) {
        const { master, worker } = await setup();
        const spawns = capturedSpawns(file, conn);
        expect(spawns.length).toBeGreaterThanOrEqual(4);
        for (const s of spawns) {
          master.skipAll();
          await master.send(worker.clientId, 'spawn', s);
          await master.next('spawning');
          await expectCounts(master, worker, s.user_classes_count);
          const hb = await master.next('heartbeat');
          expect(hb.data.state).toBe('running');
        }
        await cleanups.run();
      }
    });
  }

  it('discards a spawn whose timestamp is not newer, but still answers spawning', async () => {
    const { master, worker, logger } = await setup();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 2, WebsiteUser: 3 }, 1000.5));
    await expectCounts(master, worker, { ApiUser: 2, WebsiteUser: 3 });
    master.skipAll();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 0, WebsiteUser: 9 }, 1000.5));
    await master.next('spawning');
    await master.next('stats');
    await master.next('stats');
    expect(master.typesSinceCursor()).not.toContain('spawning_complete');
    expect(worker.runner.userClassesCount()).toEqual({ ApiUser: 2, WebsiteUser: 3 });
    expect(logger.lines.join('\n')).toContain('Discard spawn message with older or equal timestamp');
  });

  it('stops the most recently started users first', async () => {
    const { master, worker } = await setup();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 0, WebsiteUser: 4 }, 1));
    await expectCounts(master, worker, { ApiUser: 0, WebsiteUser: 4 });
    const pool = (worker.runner as unknown as { pool: { running: Map<string, Array<{ user: object }>> } }).pool;
    const firstTwo = pool.running.get('WebsiteUser')!.slice(0, 2).map((r) => r.user);
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 0, WebsiteUser: 2 }, 2));
    await expectCounts(master, worker, { ApiUser: 0, WebsiteUser: 2 });
    expect(pool.running.get('WebsiteUser')!.map((r) => r.user)).toEqual(firstTwo);
  });
});

describe('stop, quit, reconnect, unknown messages', () => {
  it('stop: users stop, client_stopped, then client_ready again and state ready', async () => {
    const { master, worker } = await setup();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1, WebsiteUser: 1 }, 1));
    await expectCounts(master, worker, { ApiUser: 1, WebsiteUser: 1 });
    master.skipAll();
    await master.send(worker.clientId, 'stop', null);
    await master.next('client_stopped');
    await master.next('client_ready');
    expect(worker.runner.userClassesCount()).toEqual({ ApiUser: 0, WebsiteUser: 0 });
    expect((await master.next('heartbeat')).data.state).toBe('ready');
    // A new test after stop starts from fresh counts.
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 2, WebsiteUser: 0 }, 2));
    await expectCounts(master, worker, { ApiUser: 2, WebsiteUser: 0 });
  });

  it('quit: final stats, then quit, and the worker ends', async () => {
    const { master, worker } = await setup();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1, WebsiteUser: 1 }, 1));
    await expectCounts(master, worker, { ApiUser: 1, WebsiteUser: 1 });
    master.skipAll();
    await master.send(worker.clientId, 'quit', null);
    const stats = await master.next('stats');
    expect(stats.data.user_classes_count).toEqual({ ApiUser: 0, WebsiteUser: 0 });
    await master.next('quit');
    expect(await worker.done).toMatchObject({ reason: 'master-quit', exitCode: 0 });
  });

  it('reconnect: the socket is recreated with the same identity and no new client_ready', async () => {
    const { master, worker, logger } = await setup();
    master.skipAll();
    await master.send(worker.clientId, 'reconnect', null);
    await new Promise((r) => setTimeout(r, 300));
    master.skipAll();
    const hb = await master.next('heartbeat');
    expect(hb.nodeId).toBe(worker.clientId);
    await new Promise((r) => setTimeout(r, 300));
    expect(master.received.filter((m) => m.type === 'client_ready')).toHaveLength(1);
    expect(logger.lines.join('\n')).toContain('Received reconnect message from master');
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1, WebsiteUser: 0 }, 1));
    await expectCounts(master, worker, { ApiUser: 1, WebsiteUser: 0 });
  });

  it('unknown message types are logged and ignored; newest-Locust messages are understood', async () => {
    const { master, worker, logger } = await setup();
    await master.socket.sendRaw(worker.clientId, 'no_such_type', { x: 1 });
    await master.send(worker.clientId, 'heartbeat', null);
    await master.send(worker.clientId, 'spawning_complete', { user_count: 0 });
    master.skipAll();
    await master.next('heartbeat');
    expect(logger.lines.join('\n')).toContain('Unknown message type received: no_such_type');
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1, WebsiteUser: 1 }, 1));
    await expectCounts(master, worker, { ApiUser: 1, WebsiteUser: 1 });
  });

  it('an error escaping a task is sent as exception and the user keeps running', async () => {
    const { master, worker } = await setup([ExplodingUser]);
    await master.send(worker.clientId, 'spawn', spawnData({ ExplodingUser: 1 }, 1));
    await expectCounts(master, worker, { ExplodingUser: 1 });
    const first = await master.next('exception');
    expect(first.data.msg).toBe('capture test exception');
    expect(first.data.traceback).toMatch(/^  File ".*worker\/protocol\.test\.ts:\d+:\d+", in ExplodingUser\.explode\n    throw /);
    await master.next('exception');
    expect(worker.runner.userClassesCount()).toEqual({ ExplodingUser: 1 });
  });
});

describe('master going away', () => {
  it('a restarted master on the same port gets client_ready again and can spawn', async () => {
    const port = await freePort();
    const { master, worker, logger } = await setup([ApiUser, WebsiteUser], port);
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1, WebsiteUser: 1 }, 5));
    await expectCounts(master, worker, { ApiUser: 1, WebsiteUser: 1 });
    await master.close();
    const second = new ScriptedMaster(port);
    await second.start();
    cleanups.add(() => second.close());
    await second.next('client_ready', () => true, 10_000);
    expect(worker.runner.userClassesCount()).toEqual({ ApiUser: 0, WebsiteUser: 0 });
    expect(logger.lines.join('\n')).toMatch(/Lost the connection to the master[\s\S]*is back; rejoining/);
    // The new master's clock may be behind the old one's: its spawns must still apply.
    await second.send(worker.clientId, 'spawn', spawnData({ ApiUser: 0, WebsiteUser: 2 }, 1));
    await expectCounts(second, worker, { ApiUser: 0, WebsiteUser: 2 });
  });

  it('an unreachable master: progress is logged, client_ready re-sent, then a one-line give-up', async () => {
    const logger = collectingLogger();
    const worker = runWorker({ userClasses: [ApiUser], masterPort: await freePort(), logger, timing: FAST, connectRetries: 3 });
    cleanups.add(() => worker.quit());
    const exit = await worker.done;
    expect(exit).toMatchObject({ reason: 'connect-failed', exitCode: 1 });
    expect(exit.message).not.toContain('\n');
    expect(logger.lines.filter((l) => l.includes('Still waiting for the master'))).toHaveLength(2);
  });

  it('[newest Locust] quits when master heartbeats stop, once one was seen', async () => {
    const { master, worker, logger } = await setup();
    await master.send(worker.clientId, 'heartbeat', null);
    const exit = await worker.done;
    expect(exit.reason).toBe('master-heartbeat-timeout');
    expect(logger.lines.join('\n')).toContain("Didn't get heartbeat from master");
  });
});
