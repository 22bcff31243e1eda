import { describe, expect, it } from 'vitest';
import { LOCUST_TS_WORKER_VERSION, workerDialect } from './versions.js';

describe('workerDialect', () => {
  it('treats Debian 2.12.1 (empty version) and 2.12.x as the 2.12 protocol', () => {
    expect(workerDialect('')).toEqual({ protocol: '2.12', locustTs: false });
    expect(workerDialect('2.12.1')).toEqual({ protocol: '2.12', locustTs: false });
    expect(workerDialect(-1)).toEqual({ protocol: '2.12', locustTs: false });
    expect(workerDialect(null)).toEqual({ protocol: '2.12', locustTs: false });
  });
  it('treats newer Locust as the newest protocol', () => {
    expect(workerDialect('2.46.3')).toEqual({ protocol: 'newest', locustTs: false });
    expect(workerDialect('3.0.0')).toEqual({ protocol: 'newest', locustTs: false });
  });
  it('recognises a locust-ts worker, whose version a Locust master compares by its first 4 characters', () => {
    expect(workerDialect(LOCUST_TS_WORKER_VERSION)).toEqual({ protocol: 'newest', locustTs: true });
    expect(LOCUST_TS_WORKER_VERSION.slice(0, 4)).toBe('2.46');
  });
});
