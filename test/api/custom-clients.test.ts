/**
 * Clients beyond plain HTTP requests, run as a user would run them: the raw TCP example
 * (examples/tcp-locustfile.ts, timed by `events.request.measure`) against an echo server, and
 * `FastHttpUser.rest()` — JSON headers sent, a JSON answer read as `js`, a non-JSON answer failed
 * with Locust's text.
 */
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';

const runs = useBinRuns('api-clients-');
const closers: Array<() => void> = [];
afterAll(() => closers.forEach((close) => close()));

interface JsonRow {
  method: string;
  name: string;
  num_requests: number;
  num_failures: number;
}
const rows = (file: string) => JSON.parse(readFileSync(`${file}.json`, 'utf8')) as JsonRow[];

describe('custom clients', () => {
  it('the TCP example counts each echo exchange in the stats', async () => {
    const echo = createTcpServer((socket) => socket.on('data', (d) => socket.write(d)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    closers.push(() => echo.close());
    const port = (echo.address() as AddressInfo).port;
    const out = join(runs.scratch, 'tcp');
    const { code, output } = await runBin(
      ['-f', 'examples/tcp-locustfile.ts', '--headless', '-u', '2', '-r', '2', '-t', '2s', '--only-summary', '--tcp-target', `127.0.0.1:${port}`, '--json-file', out],
      40_000,
    );
    expect(code, output).toBe(0);
    const row = rows(out).find((r) => r.method === 'TCP' && r.name === 'echo');
    expect(row?.num_requests).toBeGreaterThan(0);
    expect(row?.num_failures).toBe(0);
  });

  it('FastHttpUser.rest sends JSON headers, reads js, and fails a non-JSON answer', async () => {
    const seen: string[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${req.headers.accept}`);
      req.resume();
      if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": 7}');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => server.close());
    const out = join(runs.scratch, 'rest');
    const { code, output } = await runBin(
      ['-f', 'test/api/fixtures/rest.ts', '--headless', '-u', '1', '-r', '1', '-t', '2s', '-H', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--json-file', out],
      40_000,
    );
    expect(seen).toContain('POST /json application/json application/json');
    const json = rows(out).find((r) => r.name === '/json')!;
    const text = rows(out).find((r) => r.name === '/text')!;
    expect([json.num_requests > 0, json.num_failures]).toEqual([true, 0]);
    expect(text.num_failures).toBe(text.num_requests);
    expect(output).toContain('Could not parse response as JSON. plain words, response code 200');
    expect(code).toBe(1); // failed requests, as Locust
  });
});
