/**
 * The HTTP session's requests-like features against real servers: what the server received
 * (form fields, multipart parts, basic auth, cookies), redirects, TLS with a self-signed
 * certificate (`verify: false` and a CA), a small CONNECT proxy, `raiseForStatus`, `renameRequest`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError, HttpSession, events } from 'locust-ts';
import { HttpPools } from '@locust-ts/worker';
import { StatsRecorder } from '@locust-ts/worker';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'api-http-'));
let httpUrl = '';
let httpsUrl = '';
let proxyUrl = '';
const tunnels: string[] = [];
const closers: Array<() => void> = [];

function handler(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('latin1');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/login') {
      res.writeHead(302, { 'set-cookie': 'session=abc123; Path=/; HttpOnly', location: '/private' });
      res.end();
    } else if (url.pathname === '/private') {
      const ok = /(^|; )session=abc123(;|$)/.test(req.headers.cookie ?? '');
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    } else if (url.pathname === '/basic') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
      res.writeHead(ok ? 200 : 401);
      res.end();
    } else if (url.pathname === '/missing') {
      res.writeHead(404);
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    }
  });
}

function session(base: string): { client: HttpSession; stats: StatsRecorder } {
  const stats = new StatsRecorder();
  const pools = new HttpPools();
  closers.push(() => void pools.close());
  return { client: new HttpSession({ pools, stats }, base), stats };
}

function entry(stats: StatsRecorder, method: string, name: string): { requests: number; failures: number } {
  const e = stats.stats.get(name, method);
  return { requests: e.numRequests, failures: e.numFailures };
}

beforeAll(async () => {
  // a self-signed certificate for 127.0.0.1, made here (it is also the CA that signed itself)
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(scratch, 'key.pem'), '-out', join(scratch, 'cert.pem'),
  ], { stdio: 'ignore' });
  const http = createServer(handler);
  const https = createHttpsServer({ key: readFileSync(join(scratch, 'key.pem')), cert: readFileSync(join(scratch, 'cert.pem')) }, handler);
  // a CONNECT proxy that records where it tunnels to
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url!);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  for (const server of [http, https, proxy]) {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
  }
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(() => {
  for (const close of closers) close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the HTTP session', () => {
  it('keeps cookies per user: a login redirect sets one, the protected page then answers 200', async () => {
    const alice = session(httpUrl);
    const anonymous = session(httpUrl);
    const login = await alice.client.post('/login', { data: { user: 'alice', password: 'pw' } });
    expect(login.status).toBe(200); // followed the redirect to /private with the new cookie
    expect((await alice.client.get('/private')).status).toBe(200);
    expect((await anonymous.client.get('/private')).status).toBe(401);
    expect(entry(alice.stats, 'GET', '/private').failures).toBe(0);
    expect(alice.client.cookies.get(`${httpUrl}/`)).toEqual({ session: 'abc123' });
    const form = seen.find((s) => s.url === '/login')!;
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(form.body).get('password')).toBe('pw');
  });

  it('sends multipart uploads, basic auth, params and json as requests does', async () => {
    const { client } = session(httpUrl);
    await client.post('/upload', { files: { report: ['r.csv', 'a,b\n1,2\n', 'text/csv'] }, data: { kind: 'daily' } });
    const upload = seen.find((s) => s.url === '/upload')!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toContain('filename="r.csv"');
    expect(upload.body).toContain('Content-Type: text/csv');
    expect(upload.body).toContain('a,b\n1,2\n');
    expect(upload.body).toMatch(/name="kind"\r\n\r\ndaily/);

    expect((await client.get('/basic')).status).toBe(401);
    expect((await client.get('/basic', { auth: ['alice', 's3cret'] })).status).toBe(200);
    client.auth = ['alice', 's3cret'];
    expect((await client.get('/basic')).status).toBe(200);

    await client.get('/q', { params: { a: 1, b: ['x', 'y'] } });
    expect(seen.some((s) => s.url === '/q?a=1&b=x&b=y')).toBe(true);
  });

  it('follows redirects unless allowRedirects is false', async () => {
    const { client } = session(httpUrl);
    const r = await client.get('/login', { allowRedirects: false });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/private');
  });

  it('talks TLS to a self-signed target with verify: false or with its CA, and fails without', async () => {
    const strict = session(httpsUrl);
    const r = await strict.client.get('/tls');
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/SSL|certificate|self[- ]signed/i);

    const insecure = session(httpsUrl);
    insecure.client.verify = false;
    expect((await insecure.client.get('/tls')).status).toBe(200);

    const trusted = session(httpsUrl);
    trusted.client.verify = join(scratch, 'cert.pem');
    expect((await trusted.client.get('/tls')).status).toBe(200);
  });

  it('goes through a proxy given in proxies', async () => {
    const { client } = session(httpUrl);
    client.proxies = { http: proxyUrl };
    const r = await client.get('/via-proxy');
    expect(r.status).toBe(200);
    expect(tunnels).toContain(new URL(httpUrl).host);
  });

  it('raiseForStatus throws HTTPError for 4xx; renameRequest names requests; events.request gets context', async () => {
    const { client, stats } = session(httpUrl);
    const missing = await client.get('/missing');
    expect(() => missing.raiseForStatus()).toThrow(HTTPError);
    expect(() => missing.raiseForStatus()).toThrow(/404 Client Error/);
    (await client.get('/ok')).raiseForStatus();

    const seenEvents: Array<{ name: string; context: unknown; exception: unknown }> = [];
    const remove = events.request.addListener(({ name, context, exception }) => void seenEvents.push({ name, context, exception }));
    await client.renameRequest('/item/[id]', async () => {
      await client.get('/item/1');
      await client.get('/item/2', { context: { tenant: 't1' } });
    });
    remove();
    expect(entry(stats, 'GET', '/item/[id]').requests).toBe(2);
    expect(seenEvents).toEqual([
      { name: '/item/[id]', context: {}, exception: null },
      { name: '/item/[id]', context: { tenant: 't1' }, exception: null },
    ]);
  });
});
