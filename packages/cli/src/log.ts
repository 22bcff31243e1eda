/**
 * The CLI's own log lines, in Locust's format on stderr
 * (`[2026-11-25 16:48:49,123] host/INFO/locust.main: Starting Locust 2.12.1`).
 */
import { LOG_LEVEL_NUMBERS, formatLogLine } from '@locust-ts/protocol';
import type { CliOptions } from './options.js';

type Level = CliOptions['loglevel'];
const LEVEL_ORDER: Record<Level, number> = LOG_LEVEL_NUMBERS;

export class CliLogger {
  private readonly threshold: number;

  constructor(level: Level = 'INFO') {
    this.threshold = LEVEL_ORDER[level];
  }

  log(level: Level, message: string): void {
    if (LEVEL_ORDER[level] < this.threshold) return;
    process.stderr.write(`${formatLogLine(level, 'locust.main', message)}\n`);
  }
  debug(message: string): void {
    this.log('DEBUG', message);
  }
  info(message: string): void {
    this.log('INFO', message);
  }
  warning(message: string): void {
    this.log('WARNING', message);
  }
  error(message: string): void {
    this.log('ERROR', message);
  }
}

/** One line on stderr for a fatal error, argparse-style: `locust-ts: error: ...`. */
export function printError(message: string): void {
  process.stderr.write(`locust-ts: error: ${message.split('\n')[0]}\n`);
}
