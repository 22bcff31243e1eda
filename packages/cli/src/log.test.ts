import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliLogger } from './log.js';

afterEach(() => vi.restoreAllMocks());

describe('CliLogger', () => {
  it("writes Locust's `[asctime] host/LEVEL/locust.main: message` lines", () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const log = new CliLogger('WARNING');
    log.info('hidden');
    log.warning('Got SIGTERM again');
    expect(lines).toHaveLength(1);
    const escaped = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(lines[0]).toMatch(new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\\] ${escaped}/WARNING/locust\\.main: Got SIGTERM again\\n$`));
  });
});
