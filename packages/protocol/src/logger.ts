/**
 * The one logger of locust-ts (master, worker, CLI): Locust's level names, Locust's line format
 * (log-format.ts) on stderr, and nothing done for a disabled level — a message may be a function
 * that builds the text, called only when the level is on (per-message debug lines cost a
 * comparison, not a template string).
 */
import { LOG_LEVEL_NUMBERS, formatLogLine } from './log-format.js';

/** Python logging's level names, as Locust prints them. */
export type LogLevel = keyof typeof LOG_LEVEL_NUMBERS;

/** The text, or a function that builds it (called only when the level is enabled). */
export type LogMessage = string | (() => string);

/** Where log text goes; `process.stderr` by default, like Python's `logging.StreamHandler`. */
export interface TextSink {
  write(text: string): unknown;
}

export interface LoggerOptions {
  /** lines below this level are dropped before any work (default INFO) */
  level?: LogLevel;
  /** the logger name of the line (`locust.runners`, `locust.main`) */
  name?: string;
  sink?: TextSink;
  /** newest lines kept in memory for {@link Logger.recent} (the web UI's log tab); 0 keeps none */
  keepLines?: number;
}

/**
 * A second destination for every line a logger writes (not the `plain` stats tables): Locust's
 * handler on its root and `locust` loggers, e.g. `--otel`'s log export. One per process.
 */
export type LogTap = (level: LogLevel, name: string, message: string) => void;

let logTap: LogTap | null = null;

/** Install (or with null remove) the process's {@link LogTap}. */
export function setLogTap(tap: LogTap | null): void {
  logTap = tap;
}

export class Logger {
  private readonly threshold: number;
  private readonly name: string;
  private readonly sink: TextSink;
  private readonly keepLines: number;
  private readonly kept: string[] = [];

  constructor(options: LoggerOptions = {}) {
    this.threshold = LOG_LEVEL_NUMBERS[options.level ?? 'INFO'];
    this.name = options.name ?? 'locust.runners';
    this.sink = options.sink ?? process.stderr;
    this.keepLines = options.keepLines ?? 0;
  }

  /** For a message that costs work to gather (loops, joins): skip the work when the level is off. */
  isEnabledFor(level: LogLevel): boolean {
    return LOG_LEVEL_NUMBERS[level] >= this.threshold;
  }

  log(level: LogLevel, message: LogMessage, name = this.name): void {
    if (LOG_LEVEL_NUMBERS[level] < this.threshold) return;
    this.emit(level, name, typeof message === 'function' ? message() : message);
  }

  debug(message: LogMessage, name?: string): void {
    this.log('DEBUG', message, name);
  }
  info(message: LogMessage, name?: string): void {
    this.log('INFO', message, name);
  }
  warning(message: LogMessage, name?: string): void {
    this.log('WARNING', message, name);
  }
  error(message: LogMessage, name?: string): void {
    this.log('ERROR', message, name);
  }

  /** Plain lines (stats tables): Locust's `locust.stats_logger` prints the message alone. */
  plain(text: string): void {
    this.sink.write(`${text}\n`);
  }

  /** The newest lines (as many as `keepLines`). */
  recent(): string[] {
    return [...this.kept];
  }

  /** One enabled line: formatted, kept, written. Tests override it to collect the messages. */
  protected emit(level: LogLevel, name: string, message: string): void {
    const line = formatLogLine(level, name, message);
    if (this.keepLines > 0) {
      this.kept.push(line);
      if (this.kept.length > this.keepLines) this.kept.shift();
    }
    this.sink.write(`${line}\n`);
    logTap?.(level, name, message);
  }
}

/** Discards everything (a locustfile loaded to be described, not run). */
export const silentLogger = new Logger({ level: 'CRITICAL', sink: { write: () => true } });
