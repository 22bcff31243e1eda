import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Logger } from './logger.js';

function collect(): { sink: { write(text: string): boolean }; out: string[] } {
  const out: string[] = [];
  return { out, sink: { write: (text: string) => out.push(text) > 0 } };
}

describe('the one logger', () => {
  it('never builds the text of a disabled level', () => {
    const { sink, out } = collect();
    const log = new Logger({ level: 'INFO', sink });
    let built = 0;
    log.debug(() => `built ${++built}`);
    expect(built).toBe(0);
    log.info(() => `built ${++built}`);
    expect(built).toBe(1);
    expect(out).toHaveLength(1);
  });

  it("writes Locust's line format with its level names and the logger's name", () => {
    const { sink, out } = collect();
    const log = new Logger({ level: 'WARNING', name: 'locust.main', sink });
    log.info('hidden');
    log.warning('careful');
    log.error('broken', 'locust.runners');
    const host = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(out[0]).toMatch(new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\\] ${host}/WARNING/locust\\.main: careful\\n$`));
    expect(out[1]).toMatch(/\/ERROR\/locust\.runners: broken\n$/);
  });

  it('keeps only the newest lines it is asked to keep, and none by default', () => {
    const kept = new Logger({ sink: collect().sink, keepLines: 2 });
    for (const n of [1, 2, 3]) kept.info(`line ${n}`);
    expect(kept.recent().map((l) => l.split(': ')[1])).toEqual(['line 2', 'line 3']);
    const plain = new Logger({ sink: collect().sink });
    plain.info('x');
    expect(plain.recent()).toEqual([]);
  });
});
