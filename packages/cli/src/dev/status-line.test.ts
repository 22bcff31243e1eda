import { describe, expect, it } from 'vitest';
import { RPS_REFRESH_MS, StatusLine, uiRps } from './status-line.js';

const URL = 'http://127.0.0.1:8089';
const answer = (users: number, totalRps: number) => ({ worker_count: 4, state: 'running', user_count: users, total_rps: totalRps });

describe('pnpm dev status line', () => {
  it('rounds the RPS as the web UI header does', () => {
    expect(uiRps(7.126)).toBe('7.13');
    expect(uiRps(7.1)).toBe('7.1');
    expect(uiRps(undefined)).toBe('0');
  });

  it('catches up with the RPS after a line printed at a spawn (0 then ~7 RPS)', () => {
    const status = new StatusLine(4, URL);
    expect(status.next(answer(10, 0), 0)).toBe(`workers 4/4 · state running · users 10 · 0 RPS · UI ${URL}`);
    // RPS-only changes wait for the refresh period, then print the current figure
    expect(status.next(answer(10, 131.6), 1_000)).toBeNull();
    expect(status.next(answer(10, 7.04), RPS_REFRESH_MS)).toBe(`workers 4/4 · state running · users 10 · 7.04 RPS · UI ${URL}`);
    expect(status.next(answer(10, 7.04), 2 * RPS_REFRESH_MS)).toBeNull();
    // a change of the swarm prints at once
    expect(status.next(answer(12, 7.1), 2 * RPS_REFRESH_MS + 1_000)).toContain('users 12 · 7.1 RPS');
  });

  it('prints a failure once and the next answer again', () => {
    const status = new StatusLine(4, URL);
    expect(status.next(answer(10, 7), 0)).not.toBeNull();
    expect(status.failed('master not answering (ECONNREFUSED)')).toBe('master not answering (ECONNREFUSED)');
    expect(status.failed('master not answering (ECONNREFUSED)')).toBeNull();
    expect(status.next(answer(10, 7), 500)).toContain('users 10 · 7 RPS');
  });
});
