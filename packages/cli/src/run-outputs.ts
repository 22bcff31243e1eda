/**
 * What a run writes besides the console tables: `--logfile` (log lines go to the file instead of
 * stderr, as Locust's file handler takes them) and `--json` / `--json-file` (the final stats as
 * the newest Locust's `serialize_stats()`: one object per entry with a request or failure).
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import type { RequestStats, StatsEntryData } from '@locust-ts/protocol';

/** Locust's log line start: `[2026-11-29 16:00:00,123] host/INFO/locust.main: ...` */
const LOG_LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] [^\s/]+\/(DEBUG|INFO|WARNING|ERROR|CRITICAL)\//;

/** Send this process's log lines to `path` (appended, written at once); returns the undo. */
export function logToFile(path: string): () => void {
  const fd = openSync(path, 'a');
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (LOG_LINE.test(text)) {
      writeSync(fd, text);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  return () => {
    process.stderr.write = original;
    closeSync(fd);
  };
}

function plain(entry: StatsEntryData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) out[k] = v instanceof Map ? Object.fromEntries(v) : v;
  return out;
}

/** Locust's `serialize_stats()`: entries that saw a request or a failure (no Aggregated row). */
export function statsJson(stats: RequestStats): string {
  const rows = [...stats.entries.values()].filter((e) => e.numRequests > 0 || e.numFailures > 0).map((e) => plain(e.serialize()));
  return JSON.stringify(rows, null, 4);
}

/** `--json` prints to stdout; `--json-file NAME` writes `NAME.json`, as Locust. */
export function writeStatsJson(stats: RequestStats, options: { json: boolean; jsonFile: string | null }): void {
  if (options.json) process.stdout.write(`${statsJson(stats)}\n`);
  if (options.jsonFile) writeFileSync(`${options.jsonFile}.json`, statsJson(stats));
}
