/**
 * `update_user_class` (spec §3.12, the newest Locust's web UI "edit user class") on a TS worker,
 * sent by a scripted master over real ZeroMQ: the task list, wait time and host of a user class
 * change for its running (tasks, wait time) and new (host) users; weight and fixed_count land
 * on the class; an unknown class or a bad value is one warning and changes nothing.
 */
import { HttpUser, constant } from '@locust-ts/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanups, collectingLogger, connectWorker, fastTiming, spawnData, until } from '@locust-ts/test-support/scripted-worker-setup';
import { sleep } from '@locust-ts/test-support/wait';

const FAST = fastTiming(5);

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

/** Classes are made per test: an update changes the class's statics, as Locust's setattr does. */
function makeClasses() {
  const ran: Array<{ task: string; baseUrl: string }> = [];
  class ApiUser extends HttpUser {
    static weight = 1;
    static tasks = { list: 1, detail: 1 };
    waitTime = constant(0.02);
    list(): void {
      ran.push({ task: 'list', baseUrl: this.client.baseUrl });
    }
    detail(): void {
      ran.push({ task: 'detail', baseUrl: this.client.baseUrl });
    }
  }
  return { ApiUser, ran };
}

async function setup() {
  const { ApiUser, ran } = makeClasses();
  const logger = collectingLogger();
  const { master, worker } = await connectWorker(cleanups, { userClasses: [ApiUser], host: 'http://127.0.0.1:1', logger, timing: FAST });
  await master.next('heartbeat');
  return { master, worker, logger, ApiUser, ran };
}

describe('update_user_class on a TS worker', () => {
  it('keeps only the listed tasks and sets weight / fixed_count on the class, for running users at once', async () => {
    const { master, worker, logger, ApiUser, ran } = await setup();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 2 }, 1));
    await master.next('spawning_complete');
    await until(() => ran.some((r) => r.task === 'list') && ran.some((r) => r.task === 'detail'), 'both tasks to run');

    await master.send(worker.clientId, 'update_user_class', { user_class_name: 'ApiUser', weight: 3, fixed_count: 1, tasks: ['detail'] });
    await until(() => logger.lines.some((l) => l.includes('Updated user class ApiUser')), 'the update to be applied');
    expect(logger.lines.find((l) => l.includes('Updated user class ApiUser'))).toMatch(/weight 3; fixed_count 1; tasks detail/);
    expect(ApiUser.weight).toBe(3);
    expect((ApiUser as { fixedCount?: number }).fixedCount).toBe(1);

    ran.length = 0;
    await until(() => ran.length >= 10, 'the users to keep running');
    expect(new Set(ran.map((r) => r.task))).toEqual(new Set(['detail']));
    expect(worker.runner.userClassesCount()).toEqual({ ApiUser: 2 });
  });

  it('wait_time applies to running users; host to users started afterwards (the -H host would still win)', async () => {
    const { ApiUser, ran } = makeClasses();
    const logger = collectingLogger();
    // no -H here: the update's host is what new users get
    const { master, worker } = await connectWorker(cleanups, { userClasses: [ApiUser], logger, timing: FAST });

    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1 }, 1));
    await master.next('spawning_complete');
    await master.send(worker.clientId, 'update_user_class', { user_class_name: 'ApiUser', wait_time: 0.4, host: 'http://127.0.0.1:9/api' });
    await until(() => logger.lines.some((l) => l.includes('Updated user class ApiUser')), 'the update to be applied');
    expect(logger.lines.find((l) => l.includes('Updated user class ApiUser'))).toMatch(/host http:\/\/127\.0\.0\.1:9\/api; wait_time constant\(0\.4\)/);

    await sleep(100); // let the wait in progress (0.02 s) end
    ran.length = 0;
    await sleep(1_000);
    // 0.4 s between tasks now: about 3 in a second, where 0.02 s gave about 50
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeLessThanOrEqual(4);
    expect(ran.every((r) => r.baseUrl === '')).toBe(true); // the running user keeps its client, as in Locust

    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 2 }, 2));
    await master.next('spawning_complete');
    await until(() => ran.some((r) => r.baseUrl === 'http://127.0.0.1:9/api'), 'the new user to run with the new host');
  });

  it('an unknown class or a bad value is one warning and changes nothing; the worker keeps running', async () => {
    const { master, worker, logger, ApiUser, ran } = await setup();
    await master.send(worker.clientId, 'spawn', spawnData({ ApiUser: 1 }, 1));
    await master.next('spawning_complete');

    await master.send(worker.clientId, 'update_user_class', { user_class_name: 'NoSuchUser', weight: 2 });
    await master.send(worker.clientId, 'update_user_class', { user_class_name: 'ApiUser', weight: 5, tasks: 'detail' });
    await master.send(worker.clientId, 'update_user_class', { user_class_name: 'ApiUser', tasks: ['nope'] });
    await until(() => logger.lines.filter((l) => l.startsWith('WARNING')).length >= 3, 'three warnings');
    const warnings = logger.lines.filter((l) => l.startsWith('WARNING'));
    expect(warnings[0]).toMatch(/Ignoring update_user_class for unknown user class 'NoSuchUser' \(this worker has ApiUser\)/);
    expect(warnings[1]).toMatch(/Ignoring update_user_class for ApiUser: tasks must be a list of task names/);
    expect(warnings[2]).toMatch(/would leave ApiUser without a task to run/);
    expect(ApiUser.weight).toBe(1);
    expect(logger.lines.some((l) => l.includes('Updated user class'))).toBe(false);

    master.skipAll();
    const hb = await master.next('heartbeat');
    expect(hb.data.state).toBe('running');
    ran.length = 0;
    await until(() => ran.some((r) => r.task === 'list') && ran.some((r) => r.task === 'detail'), 'both tasks to still run');
  });
});
