import { describe, expect, it } from 'vitest';
import { LOCUST_PROTOCOL_VERSION, LOCUST_TS_RELEASE, LOCUST_TS_WORKER_VERSION, versionNotice, workerDialect } from './versions.js';

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

describe('versionNotice (Locust\'s client_ready check)', () => {
  it('says nothing about a locust-ts worker of the same release, and names another release', () => {
    expect(versionNotice('w', LOCUST_TS_WORKER_VERSION)).toBeNull();
    expect(versionNotice('w', '2.46.3+locust-ts.0.0.9')).toEqual({
      level: 'warning',
      text: `A worker (w) running a different version (locust-ts 0.0.9) connected, master version is locust-ts ${LOCUST_TS_RELEASE}`,
    });
  });
  it('compares a newer Python worker as a Locust master of the newest protocol would', () => {
    expect(versionNotice('w', LOCUST_PROTOCOL_VERSION)).toBeNull();
    expect(versionNotice('w', `${LOCUST_PROTOCOL_VERSION.slice(0, 4)}.0`)?.level).toBe('debug');
    expect(versionNotice('w', '2.20.0')).toEqual({
      level: 'warning',
      text: `A worker (w) running a different version (2.20.0) connected, master version is ${LOCUST_PROTOCOL_VERSION}`,
    });
  });
  it('skips -1 as Locust does, and accepts Debian\'s empty version without a warning', () => {
    expect(versionNotice('w', -1)).toBeNull();
    expect(versionNotice('w', '')?.level).toBe('info');
  });
});
