import { describe, expect, it } from 'vitest';
import { Closers } from './closers.js';

describe('closers', () => {
  it('runs the closers newest first, each finished before the next starts', async () => {
    const order: string[] = [];
    const closers = new Closers();
    closers.add('socket', () => void order.push('socket'));
    closers.add('sends', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      order.push('sends');
    });
    closers.add('timers', () => void order.push('timers'));
    await closers.close();
    expect(order).toEqual(['timers', 'sends', 'socket']);
  });

  it('runs each closer once however often close is called', async () => {
    let runs = 0;
    const closers = new Closers();
    closers.add('one', () => runs++);
    await Promise.all([closers.close(), closers.close()]);
    await closers.close();
    expect(runs).toBe(1);
  });

  it('reports a failing closer and still runs the others', async () => {
    const failed: string[] = [];
    const ran: string[] = [];
    const closers = new Closers((name, err) => failed.push(`${name}: ${(err as Error).message}`));
    closers.add('first', () => void ran.push('first'));
    closers.add('broken', () => Promise.reject(new Error('boom')));
    closers.add('last', () => void ran.push('last'));
    await closers.close();
    expect(ran).toEqual(['last', 'first']);
    expect(failed).toEqual(['broken: boom']);
  });

  it('refuses a closer registered while closing (it would never run)', async () => {
    const closers = new Closers();
    const closing = closers.close();
    expect(() => closers.add('late', () => undefined)).toThrow(/already closing/);
    await closing;
  });
});
