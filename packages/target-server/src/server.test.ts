/** The target's routes and load knobs, in process (Fastify inject, no socket). */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELLO_BODY, MAX_CPU_MS, buildServer, parseAccessLog } from './server.js';

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

function start(...args: Parameters<typeof buildServer>): FastifyInstance {
  app = buildServer(...args);
  return app;
}

describe('target server', () => {
  it('--access-log writes one timestamped line per request, in arrival order, flushed on close', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'target-log-')), 'access.log');
    const server = start({ accessLog: path });
    const before = Date.now() / 1000;
    await server.inject({ method: 'GET', url: '/hello?u=a' });
    await server.inject({ method: 'GET', url: '/healthz' });
    const after = Date.now() / 1000;
    await server.close();
    const lines = parseAccessLog(readFileSync(path, 'utf8'));
    expect(lines.map((l) => `${l.method} ${l.url}`)).toEqual(['GET /hello?u=a', 'GET /healthz']);
    for (const l of lines) {
      // stamped from Date.now() at start plus the monotonic clock: within a few ms of the wall clock
      expect(l.time).toBeGreaterThan(before - 0.05);
      expect(l.time).toBeLessThan(after + 0.05);
    }
    expect(lines[1]!.time).toBeGreaterThanOrEqual(lines[0]!.time);
  });

  it('GET /hello answers like the original FastAPI target', async () => {
    const res = await start().inject({ method: 'GET', url: '/hello' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ message: 'Hello from FastAPI!' });
    expect(HELLO_BODY).toEqual(res.json());
  });

  it('GET /healthz answers ok and ignores the knobs', async () => {
    const server = start({ knobs: { latencyMs: 0, errorRatio: 1, cpuMs: 0 } });
    const res = await server.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('unknown paths are 404', async () => {
    expect((await start().inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
  });

  it('error_ratio from the defaults or the query decides 500s with the given randomness', async () => {
    const rolls = [0.1, 0.9, 0.29, 0.31];
    const server = start({ knobs: { latencyMs: 0, errorRatio: 0.3, cpuMs: 0 }, random: () => rolls.shift() ?? 0 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await server.inject({ method: 'GET', url: '/hello' })).statusCode);
    expect(codes).toEqual([500, 200, 500, 200]);
    const failed = await server.inject({ method: 'GET', url: '/hello?error_ratio=1' });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({ detail: 'Injected error (error_ratio)' });
    expect((await server.inject({ method: 'GET', url: '/hello?error_ratio=0' })).statusCode).toBe(200);
  });

  it('latency_ms delays the answer (a timer: other requests are served meanwhile)', async () => {
    const server = start({ knobs: { latencyMs: 0, errorRatio: 0, cpuMs: 0 } });
    const order: string[] = [];
    const slow = server.inject({ method: 'GET', url: '/hello?latency_ms=150' }).then(() => order.push('slow'));
    const fast = server.inject({ method: 'GET', url: '/hello' }).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('cpu_ms burns at least that much CPU time per request', async () => {
    const server = start({ knobs: { latencyMs: 0, errorRatio: 0, cpuMs: 40 } });
    const cpuBefore = process.cpuUsage();
    const res = await server.inject({ method: 'GET', url: '/hello' });
    const cpu = process.cpuUsage(cpuBefore);
    expect(res.statusCode).toBe(200);
    // CPU time (user + system, µs), not wall time: holds on a loaded machine too.
    expect((cpu.user + cpu.system) / 1000).toBeGreaterThanOrEqual(40);
    const viaQuery = process.cpuUsage();
    await server.inject({ method: 'GET', url: '/hello?cpu_ms=25' });
    const cpu2 = process.cpuUsage(viaQuery);
    expect((cpu2.user + cpu2.system) / 1000).toBeGreaterThanOrEqual(25);
  });

  it('GET /metrics shows the requests and the CPU they cost, as the process measured it', async () => {
    const server = start({ knobs: { latencyMs: 0, errorRatio: 0, cpuMs: 20 } });
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < 3; i++) await server.inject({ method: 'GET', url: '/hello' });
    const cpu = process.cpuUsage(cpuBefore);
    const res = await server.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.body)?.[1]);
    expect(value('target_hello_requests_total')).toBe(3);
    const burned = value('target_hello_cpu_seconds_total');
    expect(burned * 1000).toBeGreaterThanOrEqual(3 * 20);
    expect(burned * 1e6).toBeLessThanOrEqual(cpu.user + cpu.system);
  });

  it.each([
    ['latency_ms=-1', /latency_ms must be a number from 0 to 60000/],
    ['error_ratio=2', /error_ratio must be a number from 0 to 1/],
    [`cpu_ms=${MAX_CPU_MS + 1}`, /cpu_ms must be a number from 0 to 10000/],
    ['cpu_ms=abc', /cpu_ms must be a number/],
    ['cpu_ms=1&cpu_ms=2', /cpu_ms must be given once/],
  ])('a bad knob (%s) is a 400 with a one-line reason', async (query, reason) => {
    const res = await start().inject({ method: 'GET', url: `/hello?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(reason);
  });
});
