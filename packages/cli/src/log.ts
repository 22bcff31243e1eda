/**
 * The CLI's own log lines: the project's one logger (protocol's logger.ts) as Locust's
 * `locust.main` (`[2026-11-25 16:48:49,123] host/INFO/locust.main: Starting Locust 2.12.1`).
 */
import { type LogLevel, Logger } from '@locust-ts/protocol';

export class CliLogger extends Logger {
  constructor(level: LogLevel = 'INFO') {
    super({ level, name: 'locust.main' });
  }
}

/** One line on stderr for a fatal error, argparse-style: `locust-ts: error: ...`. */
export function printError(message: string): void {
  process.stderr.write(`locust-ts: error: ${message.split('\n')[0]}\n`);
}
