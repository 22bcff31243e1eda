/** The worker's log: the project's one logger (protocol's logger.ts); the CLI passes its own, tests a collecting one. */
import { type LogLevel, Logger } from '@locust-ts/protocol';

export { Logger, silentLogger, type LogLevel } from '@locust-ts/protocol';

/** Locust's lines on stderr: `[2026-11-25 18:00:00,123] host/INFO/locust.runners: message` (local time). */
export function consoleLogger(level: LogLevel = 'INFO', name = 'locust.runners'): Logger {
  return new Logger({ level, name });
}
