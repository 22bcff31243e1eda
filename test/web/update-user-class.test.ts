/**
 * `POST /user` on the real master (spec §3.12): the master applies weight / fixed_count / tasks
 * to its own user class and broadcasts `update_user_class` to every worker, as the newest Locust
 * does (head-webui.jsonl seq 129–131); a worker socket sees the exact map. An update that cannot
 * apply is refused with 400 and sends nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm } from '@locust-ts/test-support/swarm';

describe('POST /user on the master', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('updates the master user class and broadcasts update_user_class to the workers', async () => {
    const { sink } = swarm;
    const master = await swarm.startMaster({
      userClasses: [
        { name: 'ApiUser', weight: 1, fixedCount: 0, tasks: { api: 3, explode: 1 } },
        { name: 'WebsiteUser', weight: 3, fixedCount: 0, tasks: { index: 3, missing: 1 } },
      ],
      webHost: '127.0.0.1',
      webPort: 0,
    });
    const url = master.webUrl!;
    const workers = await swarm.registerScriptedWorkers(2);
    const postUser = (body: unknown) =>
      fetch(`${url}/user`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const res = await postUser({ user_class_name: 'ApiUser', weight: 2 });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({});
    for (const w of workers) {
      const m = await w.next('update_user_class');
      expect(m.data).toEqual({ user_class_name: 'ApiUser', weight: 2 });
    }
    const api = () => master.runner.userClasses().find((c) => c.name === 'ApiUser')!;
    expect(api().weight).toBe(2);
    // the start form shows the new weight (template args read the runner's classes)
    const html = await (await fetch(`${url}/`)).text();
    const args = JSON.parse(/window\.templateArgs = (\{.*\});/.exec(html)![1]!) as { users: Record<string, { weight: number }> };
    expect(args.users.ApiUser!.weight).toBe(2);

    // refused: unknown class, invalid value — 400, one line, nothing broadcast
    const unknown = await postUser({ user_class_name: 'NoSuchUser', weight: 1 });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ success: false, message: "Unknown user class 'NoSuchUser' (known: ApiUser, WebsiteUser)" });
    const invalid = await postUser({ user_class_name: 'ApiUser', weight: -1 });
    expect(invalid.status).toBe(400);
    expect((await postUser({ weight: 1 })).status).toBe(400);

    // fixed_count and tasks change the master's class too; the next broadcast is this one
    expect((await postUser({ user_class_name: 'ApiUser', fixed_count: 1, tasks: ['api'] })).status).toBe(201);
    for (const w of workers) {
      expect((await w.next('update_user_class')).data).toEqual({ user_class_name: 'ApiUser', fixed_count: 1, tasks: ['api'] });
    }
    expect(api()).toMatchObject({ weight: 2, fixedCount: 1, tasks: { api: 3 } });
    expect(sink.text).toContain('Updated user class ApiUser: weight 2 (sent to 2 worker(s))');
    const tasks = (await (await fetch(`${url}/tasks`)).json()) as { per_class: Record<string, { tasks: Record<string, unknown> }> };
    expect(Object.keys(tasks.per_class.ApiUser!.tasks)).toEqual(['api']);
    console.log(`POST /user: update_user_class received by ${workers.length} scripted workers; ApiUser now ${JSON.stringify(api())}`);
  });
});
