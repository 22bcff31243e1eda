/**
 * Locust's log line format, shared by master, worker and CLI so their lines read alike:
 * `[2026-11-25 16:47:29,083] vm/INFO/locust.main: message` — Python logging's default
 * `asctime` (local time, milliseconds after a comma), the hostname, level and logger name
 * (Locust's `%(asctime)s] %(hostname)s/%(levelname)s/%(name)s: %(message)s`).
 */
import { hostname } from 'node:os';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2026-11-25 16:47:29,083`, local time, as Python logging's default `asctime`. */
export function logAsctime(d: Date = new Date()): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
  );
}

/** Python logging's level numbers: a line is written when its level's number >= the threshold's. */
export const LOG_LEVEL_NUMBERS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;

let cachedHostname: string | null = null;

/** One log line without the newline. `host` defaults to this machine's hostname. */
export function formatLogLine(level: string, logger: string, message: string, date: Date = new Date(), host?: string): string {
  cachedHostname ??= hostname();
  return `[${logAsctime(date)}] ${host ?? cachedHostname}/${level}/${logger}: ${message}`;
}
