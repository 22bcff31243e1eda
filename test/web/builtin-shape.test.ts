/**
 * `POST /swarm` with a `shape` field (a `--shape` spec, what the form's Load shape section posts):
 * it runs that built-in shape instead of user_count/spawn_rate, `/stats/requests` carries the
 * intended users while it runs, each target change reaches every worker as one spawn, and a bad
 * spec is refused with the bad part named. Scripted worker sockets stand in for workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

describe('POST /swarm with a built-in shape', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('runs the spec, reports the intended users, refuses a bad spec', async () => {
    const master = await swarm.startMaster({ userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }], webHost: '127.0.0.1', webPort: 0 });
    const url = master.webUrl!;
    const workers = await swarm.registerScriptedWorkers(2);
    const post = async (form: Record<string, string>) =>
      (await fetch(`${url}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: '1', spawn_rate: '1', host: 'http://127.0.0.1:1', ...form }) })).json();

    expect(await post({ shape: 'square:peak=ten,on=1s' })).toEqual({
      success: false,
      message: 'shape: peak=ten is not a user count',
      host: 'http://127.0.0.1:1',
    });
    expect(master.runner.state).toBe('ready');

    const spec = 'square:base=2,peak=8,on=1s,off=1s,cycles=1';
    expect(await post({ shape: spec })).toEqual({ success: true, message: `Swarming started using shape '${spec}'`, host: 'http://127.0.0.1:1' });
    // peak 8 for 1 s: each worker gets its 4 in one spawn (user_count 1 of the form is ignored)
    for (const w of workers) expect((await w.next('spawn')).data).toMatchObject({ user_classes_count: { SimpleUser: 4 } });
    const stats = (await (await fetch(`${url}/stats/requests`)).json()) as { intended_users?: number };
    expect([8, 2]).toContain(stats.intended_users); // 8 during the first second, 2 after it
    // then base 2: one user each
    for (const w of workers) expect((await w.next('spawn')).data).toMatchObject({ user_classes_count: { SimpleUser: 1 } });
    // the shape ends after 2 s: the test stops and the intended users leave the stats
    await waitFor(() => master.runner.state === 'stopping' || master.runner.state === 'stopped', 45_000, 'the shape to stop the test');
    const after = (await (await fetch(`${url}/stats/requests`)).json()) as Record<string, unknown>;
    expect(after).not.toHaveProperty('intended_users');
  });
});
