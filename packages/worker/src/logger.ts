import { LOG_LEVEL_NUMBERS, formatLogLine } from '@locust-ts/protocol';

/** The worker's log sink; the CLI passes its own, tests pass a collecting one. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

const LEVELS: Record<LogLevel, number> = LOG_LEVEL_NUMBERS;

/** Locust's lines on stderr: `[2026-11-25 18:00:00,123] host/INFO/locust.runners: message` (local time). */
export function consoleLogger(level: LogLevel = 'INFO', name = 'locust.runners'): Logger {
  const min = LEVELS[level];
  const write = (lvl: LogLevel, message: string): void => {
    if (LEVELS[lvl] < min) return;
    process.stderr.write(`${formatLogLine(lvl, name, message)}\n`);
  };
  return {
    debug: (m) => write('DEBUG', m),
    info: (m) => write('INFO', m),
    warn: (m) => write('WARNING', m),
    error: (m) => write('ERROR', m),
  };
}

/** Discards everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
