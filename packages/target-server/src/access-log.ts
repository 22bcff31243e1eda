/**
 * `--access-log FILE`: one line per request, `<epoch seconds, µs resolution> <client address:port>
 * <method> <url>`, stamped when the request's headers arrived. Kept cheap for the hot path: lines
 * are gathered in memory and written in batches (every FLUSH_MS and on close), so a pulse test
 * can read when each user's first request reached the target without the log slowing it down.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const FLUSH_MS = 250;

/** Epoch ms with sub-ms resolution: Date.now() once, then the monotonic clock (never jumps). */
const EPOCH_BASE_MS = Date.now() - performance.now();

export function installAccessLog(app: FastifyInstance, path: string): void {
  writeFileSync(path, '');
  let lines: string[] = [];
  const flush = (): void => {
    if (lines.length === 0) return;
    appendFileSync(path, lines.join(''));
    lines = [];
  };
  const timer = setInterval(flush, FLUSH_MS);
  timer.unref();
  app.addHook('onRequest', (request, _reply, done) => {
    const at = (EPOCH_BASE_MS + performance.now()) / 1000;
    const socket = request.raw.socket;
    lines.push(`${at.toFixed(6)} ${socket.remoteAddress}:${socket.remotePort} ${request.method} ${request.url}\n`);
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    flush();
    done();
  });
}

export interface AccessLogLine {
  /** epoch seconds */
  time: number;
  client: string;
  method: string;
  url: string;
}

/** Parse an access log's text (the format above). */
export function parseAccessLog(text: string): AccessLogLine[] {
  const out: AccessLogLine[] = [];
  for (const line of text.split('\n')) {
    const [time, client, method, url] = line.split(' ');
    if (!time || !client || !method || url === undefined) continue;
    out.push({ time: Number(time), client, method, url });
  }
  return out;
}
