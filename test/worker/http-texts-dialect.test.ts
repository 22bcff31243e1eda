/**
 * Which Locust release's failure texts a locust-ts worker writes, against a scripted master on a
 * real socket: a 2.12-era master (no heartbeats) gets 2.12.1's texts, a master that answers
 * heartbeats the newest texts, narrowed by the options its spawns carry (each Locust release sends
 * all of its own), and a locust-ts master's `locust_ts_texts` the texts of the release it names. The texts themselves are checked against Python in
 * test/api/http-texts-python.test.ts and test/api/http-texts-truth.test.ts.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatsErrorData } from '@locust-ts/protocol';
import { FastHttpUser, HttpUser, constant } from '@locust-ts/worker';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ScriptedMaster } from '@locust-ts/test-support/scripted-master';
import { Cleanups, collectingLogger, connectWorker, fastTiming, spawnData } from '@locust-ts/test-support/scripted-worker-setup';

class FastFailing extends FastHttpUser {
  static tasks = { fail: 1 };
  waitTime = constant(0.05);
  async fail(): Promise<void> {
    await this.client.get('/checkout/confirm');
  }
}

class HttpFailing extends HttpUser {
  static tasks = { fail: 1 };
  waitTime = constant(0.05);
  async fail(): Promise<void> {
    await this.client.get('/checkout/confirm');
  }
}

let target: Server;
let targetUrl = '';
const cleanups = new Cleanups();
afterEach(() => cleanups.run());
afterAll(() => target?.close());

async function startTarget(): Promise<string> {
  if (targetUrl) return targetUrl;
  target = createServer((req, res) => {
    req.resume();
    res.writeHead(500).end('boom');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  return (targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`);
}

/** Spawn one user of each class and return the error texts of the first report that has both. */
async function textsUnder(
  setUp: (master: ScriptedMaster, clientId: string) => Promise<void>,
  texts?: string,
  parsedOptions: Record<string, unknown> = {},
): Promise<string[]> {
  const host = await startTarget();
  const { master, worker } = await connectWorker(cleanups, { userClasses: [FastFailing, HttpFailing], logger: collectingLogger(), timing: fastTiming(60) });
  await master.next('heartbeat');
  await setUp(master, worker.clientId);
  const spawn = { ...spawnData({ FastFailing: 1, HttpFailing: 1 }, 1, { host }), parsed_options: parsedOptions };
  await master.send(worker.clientId, 'spawn', texts === undefined ? spawn : { ...spawn, locust_ts_texts: texts });
  const report = await master.next('stats', (m) => Object.keys(m.data.errors).length >= 2, 10_000);
  return Object.values(report.data.errors)
    .map((e: StatsErrorData) => e.error)
    .sort();
}

const url = () => `${targetUrl}/checkout/confirm`;

describe('the texts a locust-ts worker writes follow its master', () => {
  it("a master that never answers heartbeats (Locust 2.12): 2.12.1's texts", async () => {
    const errors = await textsUnder(async () => undefined);
    expect(errors).toEqual([`BadStatusCode('${url()}', code=500)`, `HTTPError('500 Server Error: Internal Server Error for url: ${url()}')`]);
  });

  it("a master without heartbeats whose spawn carries Locust's `json` option (2.14.1–2.18): HTTPError names the request", async () => {
    const errors = await textsUnder(async () => undefined, undefined, { json: false, host: null });
    expect(errors).toEqual([`BadStatusCode('${url()}', code=500)`, "HTTPError('500 Server Error: Internal Server Error for url: /checkout/confirm')"]);
  });

  it("a master that answers heartbeats (the newest Locust): the newest Locust's texts", async () => {
    const errors = await textsUnder(async (master, clientId) => {
      await master.send(clientId, 'heartbeat', null);
    });
    expect(errors).toEqual(['HTTPError(\'500 Server Error: Internal Server Error for url: /checkout/confirm\')', 'LocustBadStatusCode(code=500)']);
  });

  // a Python master's spawn carries every option of its release: --web-base-path came in 2.32.2, --otel in 2.42.4
  it('a master that answers heartbeats, with 2.32.2–2.42.3 options: LocustBadStatusCode, the request named', async () => {
    const errors = await textsUnder((master, clientId) => master.send(clientId, 'heartbeat', null), undefined, { json: false, web_base_path: '' });
    expect(errors).toEqual(["HTTPError('500 Server Error: Internal Server Error for url: /checkout/confirm')", 'LocustBadStatusCode(code=500)']);
  });

  it("a master that answers heartbeats, with 2.19.0–2.32.1 options: geventhttpclient's BadStatusCode('url', code=N)", async () => {
    const errors = await textsUnder((master, clientId) => master.send(clientId, 'heartbeat', null), undefined, { json: false, web_login: false });
    expect(errors).toEqual([`BadStatusCode('${url()}', code=500)`, "HTTPError('500 Server Error: Internal Server Error for url: /checkout/confirm')"]);
  });

  it("a locust-ts master's locust_ts_texts wins: 2.20.0 names the path in HTTPError but still writes BadStatusCode", async () => {
    const errors = await textsUnder(async (master, clientId) => {
      await master.send(clientId, 'heartbeat', null);
    }, '2.20.0');
    expect(errors).toEqual([`BadStatusCode('${url()}', code=500)`, "HTTPError('500 Server Error: Internal Server Error for url: /checkout/confirm')"]);
  });
});
