/**
 * The master's log: Locust's line format on stderr (`[2026-11-25 16:48:49,123] host/INFO/locust.runners: …`)
 * and the newest lines kept in memory for the web UI's log tab (`GET /logs`).
 */
import { LOG_LEVEL_NUMBERS, formatLogLine } from '@locust-ts/protocol';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const LEVEL_ORDER: Record<LogLevel, number> = LOG_LEVEL_NUMBERS;

/** Lines kept for `GET /logs` (Locust keeps the same number per worker). */
export const LOG_LINES_KEPT = 500;

/** Where log text goes; `process.stderr` by default, like Python's `logging.StreamHandler`. */
export interface TextSink {
  write(text: string): unknown;
}

export class MasterLogger {
  private readonly lines: string[] = [];
  private readonly threshold: number;

  constructor(
    level: LogLevel = 'INFO',
    private readonly sink: TextSink = process.stderr,
  ) {
    this.threshold = LEVEL_ORDER[level];
  }

  /** For messages that cost work to build (per worker, per message): skip it when the level is off. */
  isEnabledFor(level: LogLevel): boolean {
    return LEVEL_ORDER[level] >= this.threshold;
  }

  log(level: LogLevel, message: string, logger = 'locust.runners'): void {
    if (LEVEL_ORDER[level] < this.threshold) return;
    const line = formatLogLine(level, logger, message);
    this.lines.push(line);
    if (this.lines.length > LOG_LINES_KEPT) this.lines.shift();
    this.sink.write(`${line}\n`);
  }

  debug(message: string, logger?: string): void {
    this.log('DEBUG', message, logger);
  }
  info(message: string, logger?: string): void {
    this.log('INFO', message, logger);
  }
  warning(message: string, logger?: string): void {
    this.log('WARNING', message, logger);
  }
  error(message: string, logger?: string): void {
    this.log('ERROR', message, logger);
  }

  /** Plain lines (stats tables): Locust's `locust.stats_logger` prints the message alone. */
  plain(text: string): void {
    this.sink.write(`${text}\n`);
  }

  recent(): string[] {
    return [...this.lines];
  }
}
