/**
 * The first requests of an edge's users (first-requests.ts) against a real HTTP server: which
 * connection each went out on — one opened ahead (warm) or one opened after the users started
 * (cold) — as the server saw its connections, and sent/answered counted once per user.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { waitFor } from '@locust-ts/test-support/wait';
import { StatsRecorder } from '../runtime/stats-recorder.js';
import { type FirstRequestFigures, FirstRequestWatch } from './first-requests.js';
import { HttpPools } from './pools.js';
import { HttpSession } from './session.js';

let server: Server;
let base: string;
let accepted: Socket[];
let pools: HttpPools;

beforeEach(async () => {
  accepted = [];
  server = createServer((req, res) => {
    if (req.url === '/moved') res.writeHead(302, { location: '/hello' }).end();
    else res.end('ok');
  });
  server.on('connection', (socket: Socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pools = new HttpPools();
});

afterEach(async () => {
  await pools.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function watched(users: number): { sessions: HttpSession[]; watch: FirstRequestWatch; figures: Promise<FirstRequestFigures> } {
  let resolve!: (f: FirstRequestFigures) => void;
  const figures = new Promise<FirstRequestFigures>((r) => (resolve = r));
  const now = performance.now();
  const watch = new FirstRequestWatch(now, now, resolve);
  const stats = new StatsRecorder();
  const sessions = Array.from({ length: users }, () => {
    const session = new HttpSession({ pools, stats }, base);
    session.firstRequest = watch;
    watch.expect();
    return session;
  });
  expect(watch.arm()).toBe(true);
  return { sessions, watch, figures };
}

it('counts first requests over connections opened ahead as warm, and those that needed a new connection as cold', async () => {
  pools.preconnect(base, 2, 300);
  await waitFor(() => pools.stashed(new URL(base).origin) === 2, 45_000, 'two connections opened ahead');
  const { sessions, figures } = watched(3); // one more user than connections opened ahead
  await Promise.all(sessions.map((s) => s.get('/hello')));
  const f = await figures;
  expect(accepted).toHaveLength(3); // the server saw the third user's new connection
  expect(f.users).toBe(3);
  expect(f.sent).toHaveLength(3);
  expect(f.answered).toHaveLength(3);
  expect(f.cold).toBe(1);
  for (let i = 0; i < 3; i++) expect(f.sent[i]!).toBeLessThanOrEqual(f.answered[i]!);
});

it('watches only a user\'s first request: a redirect\'s next hop and later requests are not counted again', async () => {
  const { sessions, figures } = watched(1);
  await sessions[0]!.get('/moved'); // 302 → /hello: two requests written, one first request
  await sessions[0]!.get('/hello');
  const f = await figures;
  expect(f.sent).toHaveLength(1);
  expect(f.answered).toHaveLength(1);
  expect(f.cold).toBe(1); // nothing was opened ahead
});

it('reports nothing when no user was given the watch', () => {
  let reported = false;
  const watch = new FirstRequestWatch(performance.now(), performance.now(), () => (reported = true));
  expect(watch.arm()).toBe(false);
  watch.finish();
  expect(reported).toBe(false);
});
