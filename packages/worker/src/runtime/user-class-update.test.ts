import { describe, expect, it } from 'vitest';
import { User } from '../user.js';
import { userClassInfo } from './user-class-info.js';
import { UserClassUpdateError, applyUserClassUpdate } from './user-class-update.js';

function info() {
  class Shopper extends User {
    static tasks = { browse: 3, buy: 1 };
    browse(): void {}
    buy(): void {}
  }
  return userClassInfo(Shopper);
}

describe('applyUserClassUpdate', () => {
  it('maps Locust attribute names: tasks filter the original tasks, wait_time [min, max] is between()', () => {
    const i = info();
    const result = applyUserClassUpdate(i, { user_class_name: 'Shopper', tasks: ['buy'], wait_time: [1, 2], color: 'red' });
    expect(result.changes).toEqual(['wait_time between(1, 2)', 'tasks buy']);
    expect(result.warnings).toEqual(['ignored attribute(s) color']);
    expect(i.pickList.map((t) => t.name)).toEqual(['buy']);
    const wait = i.overrides.waitTime!({});
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    // a later update picks from the original list again, as Locust does
    applyUserClassUpdate(i, { user_class_name: 'Shopper', tasks: ['browse', 'buy'] });
    expect(i.pickList.map((t) => t.name)).toEqual(['browse', 'browse', 'browse', 'buy']);
  });

  it('an emptied host drops the override; a bad value refuses the whole update', () => {
    const i = info();
    applyUserClassUpdate(i, { user_class_name: 'Shopper', host: 'https://shop.local' });
    expect(i.overrides.host).toBe('https://shop.local');
    applyUserClassUpdate(i, { user_class_name: 'Shopper', host: '' });
    expect(i.overrides.host).toBeUndefined();
    expect(() => applyUserClassUpdate(i, { user_class_name: 'Shopper', weight: 2, host: 'shop' })).toThrow(UserClassUpdateError);
    expect((i.cls as { weight?: number }).weight).toBeUndefined();
    expect(() => applyUserClassUpdate(i, { user_class_name: 'Shopper', wait_time: [2, 1] })).toThrow(/min must not exceed max/);
  });
});
