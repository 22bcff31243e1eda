/**
 * Task flow as Locust runs it (locust/user/task.py, sequential_taskset.py, markov_taskset.py):
 * SequentialTaskSet order, MarkovTaskSet transitions, scheduleTask, interrupt with and without
 * reschedule, RescheduleTask, User.stop(), and tags on task sets. Waits are observed through the
 * wait-time calls, never by timing. The classes are in test/api/fixtures/task-flow.ts, loaded
 * as a locustfile (decorators need tsx, not vitest's transform).
 */
import { fileURLToPath } from 'node:url';
import { createEnvironment } from '@locust-ts/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpPools } from '../http/pools.js';
import { loadLocustfile } from '../locustfile/load.js';
import { silentLogger } from '../logger.js';
import type { UserClass } from '../user.js';
import { RunningUser } from './running-user.js';
import { StatsRecorder } from './stats-recorder.js';
import { filterTasksByTags, taskSetTasks } from './tag-filter.js';
import { userClassInfo } from './user-class-info.js';

const FIXTURE = fileURLToPath(new URL('../../../../test/api/fixtures/task-flow.ts', import.meta.url));
const environment = { ...createEnvironment(), http: { pools: new HttpPools(), stats: new StatsRecorder() }, logger: silentLogger };
let classes: Map<string, UserClass>;
const log = (): string[] => (globalThis as Record<string, unknown>).taskFlowLog as string[];

beforeAll(async () => {
  classes = new Map((await loadLocustfile(FIXTURE)).userClasses.map((c) => [c.name, c]));
});

/** Run one user of class `name` until it logged `steps` entries (or stopped by itself); those entries. */
async function runUntil(name: string, steps: number): Promise<string[]> {
  const start = log().length;
  const errors: unknown[] = [];
  const user = new RunningUser(userClassInfo(classes.get(name)!), environment, { onException: (e) => errors.push(e), onExit: () => undefined });
  user.start();
  for (let i = 0; i < 10_000 && log().length - start < steps && !user.stopped; i++) await new Promise((r) => setImmediate(r));
  user.stop();
  await user.done;
  expect(errors).toEqual([]);
  return log().slice(start, start + steps);
}

describe('task flow', () => {
  it('SequentialTaskSet runs tasks in declaration order, a weight repeating a task', async () => {
    expect(await runUntil('SequenceUser', 8)).toEqual(['a', 'b', 'b', 'c', 'a', 'b', 'b', 'c']);
  });

  it('MarkovTaskSet starts at the first Markov task and follows the transitions', async () => {
    expect(await runUntil('MarkovUser', 7)).toEqual(['index', 'browse', 'cart', 'index', 'browse', 'cart', 'index']);
  });

  it('scheduleTask runs a task next (first) or after the queued ones', async () => {
    expect(await runUntil('ScheduleUser', 4)).toEqual(['main', 'first', 'later', 'main']);
  });

  it('interrupt() skips the parent wait, interrupt({ reschedule: false }) waits', async () => {
    expect(await runUntil('InterruptUser', 4)).toEqual(['leave1', 'leave2', 'wait', 'leave3']);
  });

  it('RescheduleTask(true) skips the wait, RescheduleTask() waits', async () => {
    expect(await runUntil('RescheduleUser', 5)).toEqual(['t1', 't2', 'wait', 't3', 'wait']);
  });

  it("a task set without its own wait time waits as its user, however deep, as Locust's TaskSet.wait_time", async () => {
    expect(await runUntil('NestedWaitUser', 4)).toEqual(['deep', 'user-wait', 'deep', 'user-wait']);
  });

  it("TaskSet.wait() and User.wait() sleep the wait time where they are called, as Locust's wait()", async () => {
    expect(await runUntil('TaskSetWaitUser', 5)).toEqual(['set-start', 'user-wait', 'set-waited', 't', 'user-wait']);
    expect(await runUntil('UserWaitUser', 4)).toEqual(['own-wait', 'started', 't', 'own-wait']);
  });

  it('this.stop() ends the user after its task; onStop runs', async () => {
    expect(await runUntil('StoppingUser', 3)).toEqual(['task', 'stop']);
  });

  it('a tag on a TaskSet tags its tasks: -T checkout keeps the set and its task, drops the other', () => {
    const info = userClassInfo(classes.get('ShopUser')!);
    filterTasksByTags([info], ['checkout'], null, silentLogger);
    expect(info.tasks.map((t) => t.name)).toEqual(['Checkout']);
    const set = info.tasks[0]!.target;
    expect(set.kind === 'taskSet' && taskSetTasks(set.taskSet as unknown as { name: string; prototype: object }).tasks.map((t) => t.name)).toEqual(['pay']);
  });
});
