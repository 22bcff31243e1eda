/**
 * Connections opened ahead of an edge (HttpPools.preconnect), against a real HTTP server that
 * counts the connections it accepted and the requests it answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@locust-ts/test-support/wait';
import { HttpPools } from './pools.js';

let server: Server;
let base: string;
let accepted: Socket[];
let requests: number;
let pools: HttpPools;

beforeEach(async () => {
  accepted = [];
  requests = 0;
  server = createServer((req, res) => {
    requests++;
    res.end('ok');
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

async function getAll(n: number): Promise<number[]> {
  const pool = pools.get(new URL(base).origin);
  return Promise.all(Array.from({ length: n }, async () => {
    const res = await pool.request({ path: '/hello', method: 'GET' });
    await res.body.text();
    return res.statusCode;
  }));
}

const open = (sockets: Socket[]) => sockets.filter((s) => !s.destroyed && !s.readableEnded).length;

describe('HttpPools.preconnect', () => {
  it('opens one connection per starting user ahead, sends nothing, and the users then need no new connection', async () => {
    pools.preconnect(`${base}/api`, 8, 2_000);
    await waitFor(() => accepted.length === 8, 45_000, 'the 8 connections opened ahead');
    expect(requests).toBe(0);
    expect(await getAll(8)).toEqual(Array(8).fill(200));
    expect(requests).toBe(8);
    expect(accepted).toHaveLength(8);
  });

  it('counts the idle keep-alive connections the pool already holds', async () => {
    await getAll(3); // three idle keep-alive connections stay in the pool
    await waitFor(() => pools.get(new URL(base).origin).stats.free === 3, 45_000, 'three idle connections in the pool');
    pools.preconnect(base, 5, 2_000);
    await waitFor(() => accepted.length === 5, 45_000, 'two more connections');
    expect(await getAll(5)).toEqual(Array(5).fill(200));
    expect(accepted).toHaveLength(5);
  });

  it('closes the connections nobody took shortly after the instant', async () => {
    pools.preconnect(base, 4, 200);
    await waitFor(() => accepted.length === 4, 45_000, 'the 4 connections opened ahead');
    await waitFor(() => open(accepted) === 0 && pools.stashed(new URL(base).origin) === 0, 45_000, 'the unused connections closed by the worker');
    expect(requests).toBe(0);
  });

  it('never hands out a connection the server closed meanwhile', async () => {
    pools.preconnect(base, 3, 2_000);
    await waitFor(() => accepted.length === 3, 45_000, 'the 3 connections opened ahead');
    for (const socket of accepted) socket.destroy();
    await waitFor(() => pools.stashed(new URL(base).origin) === 0, 45_000, 'the worker to see the 3 connections closed');
    expect(await getAll(3)).toEqual(Array(3).fill(200));
    expect(accepted).toHaveLength(6);
  });

  it('begins no connection in the last moments before the instant', async () => {
    pools.preconnect(base, 5, 0);
    expect(await getAll(1)).toEqual([200]);
    expect(accepted).toHaveLength(1);
  });

  it('does nothing for a host that is not an http(s) URL', async () => {
    pools.preconnect('not a url', 5, 100);
    pools.preconnect('ftp://127.0.0.1:21', 5, 100);
    expect(await getAll(1)).toEqual([200]);
    expect(accepted).toHaveLength(1);
  });
});
