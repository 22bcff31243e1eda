/**
 * The web UI with a load shape, as the newest Locust serves it: the form hides users / spawn rate
 * (`hide_common_options`), `POST /swarm` starts the shape whatever user_count says and answers
 * "Swarming started using shape class '<name>'", a second `/swarm` while it runs changes nothing,
 * and the shape's null stops the test (web mode: stop, not quit). Scripted worker sockets.
 */
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

const SHAPE_SECONDS = 2;

class ShortShape implements LoadShape {
  tick(runTimeSeconds: number): LoadShapeTick | null {
    return runTimeSeconds < SHAPE_SECONDS ? [3, 10] : null;
  }
}

describe('web UI with a load shape', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('/swarm starts the shape, ignoring user_count; the shape ends with a stop', async () => {
    const { sink } = swarm;
    const master = await swarm.startMaster({
      userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }],
      webHost: '127.0.0.1',
      webPort: 0,
      shape: new ShortShape(),
    });
    const url = master.webUrl!;
    const workers = await swarm.registerScriptedWorkers(2);
    const html = await (await fetch(`${url}/`)).text();
    const args = JSON.parse(/window\.templateArgs = (\{.*\});/.exec(html)![1]!) as Record<string, unknown>;
    expect(args).toMatchObject({ hide_common_options: true, shape_use_common_options: false, available_shape_classes: ['Default', 'ShortShape'] });

    const postSwarm = () => fetch(`${url}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: '50', spawn_rate: '5', host: 'http://127.0.0.1:1' }) });
    const body = await (await postSwarm()).json();
    expect(body).toEqual({ success: true, message: "Swarming started using shape class 'ShortShape'", host: 'http://127.0.0.1:1' });
    const runner = master.runner;
    await waitFor(() => runner.userCount === 3 && runner.state === 'running', 45_000, '3 users from the shape');
    expect((await (await postSwarm()).json()).success).toBe(true);
    expect(sink.text).toContain('There is an ongoing shape test running. Editing is disabled');
    for (const w of workers) expect((await w.next('spawn')).data).toMatchObject({ user_classes_count: { SimpleUser: expect.any(Number) }, host: 'http://127.0.0.1:1' });

    // the shape answers null after 2 s: the test stops, the master and its web UI stay up
    await waitFor(() => runner.state === 'stopped', 6_000, 'the shape to stop the test');
    expect(sink.text).toContain('Shape test stopping');
    expect(runner.userCount).toBe(0);
    expect((await fetch(`${url}/stats/requests`)).status).toBe(200);
    expect(Math.max(...runner.history().map((p) => p.userCount), 0)).toBeLessThanOrEqual(3);
  });
});
