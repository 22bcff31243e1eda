/**
 * The master's log: the project's one logger (protocol's logger.ts) with the newest lines kept
 * in memory for the web UI's log tab (`GET /logs`).
 */
import { type LogLevel, Logger, type TextSink } from '@locust-ts/protocol';

export type { LogLevel, TextSink } from '@locust-ts/protocol';

/** Lines kept for `GET /logs` (Locust keeps the same number per worker). */
export const LOG_LINES_KEPT = 500;

export class MasterLogger extends Logger {
  constructor(level: LogLevel = 'INFO', sink: TextSink = process.stderr) {
    super({ level, sink, keepLines: LOG_LINES_KEPT });
  }
}
