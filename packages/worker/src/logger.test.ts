import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger } from './logger.js';

/** Locust's `[%(asctime)s] %(hostname)s/%(levelname)s/%(name)s: %(message)s`, local time. */
const LOCUST_LINE = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})\] ([^/]+)\/(\w+)\/([\w.]+): (.*)\n$/;

const savedTz = process.env.TZ;
afterEach(() => {
  vi.restoreAllMocks();
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('consoleLogger', () => {
  it("writes Locust's line format with the hostname and local time, filtered by level", () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    // a zone away from UTC, so a UTC timestamp would show
    process.env.TZ = 'Asia/Kolkata';
    const before = new Date();
    const log = consoleLogger('INFO');
    log.debug('hidden');
    log.info('Connected to the master');
    log.warning('careful');
    expect(lines).toHaveLength(2);
    const m = LOCUST_LINE.exec(lines[0]!);
    expect(m).not.toBeNull();
    expect(m!.slice(8)).toEqual([hostname(), 'INFO', 'locust.runners', 'Connected to the master']);
    // the date and time are the local clock's (Python logging's asctime), not UTC
    const printed = new Date(Number(m![1]), Number(m![2]) - 1, Number(m![3]), Number(m![4]), Number(m![5]), Number(m![6]), Number(m![7]));
    expect(Math.abs(printed.getTime() - before.getTime())).toBeLessThan(60_000);
    expect(LOCUST_LINE.exec(lines[1]!)!.slice(8, 10)).toEqual([hostname(), 'WARNING']);
  });
});
