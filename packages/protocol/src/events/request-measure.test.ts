// `events.request.measure` as the newest Locust's EventHook.measure: the time `work` took, its
// error recorded (not thrown on), fields `work` changed passed on, and the stats sink fed.
import { describe, expect, it } from 'vitest';
import { RequestEventHook, type RequestEventArgs } from './events.js';

describe('events.request.measure', () => {
  it('fires once with the elapsed time; a throw becomes the exception and does not escape', async () => {
    const hook = new RequestEventHook();
    const fired: RequestEventArgs[] = [];
    const counted: RequestEventArgs[] = [];
    hook.statsSink = (a) => counted.push(a);
    hook.addListener((a) => fired.push(a));

    let inside = 0;
    const before = performance.now();
    await hook.measure('WS', 'send', async (meta) => {
      const t = performance.now();
      await new Promise((r) => setImmediate(r));
      inside = performance.now() - t;
      meta.responseLength = 42;
    });
    const around = performance.now() - before;
    const failure = new Error('socket closed');
    await hook.measure('WS', 'recv', () => {
      throw failure;
    }, { context: { user: 'u1' } });

    expect(fired.map((f) => [f.requestType, f.name, f.responseLength, f.exception ?? null])).toEqual([
      ['WS', 'send', 42, null],
      ['WS', 'recv', 0, failure],
    ]);
    // the measured time covers what `work` itself saw and lies within what the caller saw
    expect(fired[0]!.responseTime).toBeGreaterThanOrEqual(inside);
    expect(fired[0]!.responseTime).toBeLessThanOrEqual(around);
    expect(fired[1]!.context).toEqual({ user: 'u1' });
    expect(typeof fired[0]!.startTime).toBe('number');
    expect(counted).toHaveLength(2);
  });
});
