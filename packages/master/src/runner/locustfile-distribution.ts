/**
 * The master's reply to a `-f -` worker asking for the locustfile (newest Locust, spec §3.14):
 * only a single Python locustfile can be sent, as Locust does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { LocustfileReplyData } from '@locust-ts/protocol';

export function locustfileReply(file: string): LocustfileReplyData {
  if (file.endsWith('.py') && existsSync(file)) {
    return { locustfiles: [{ filename: basename(file), contents: readFileSync(file, 'utf8') }] };
  }
  return { error: `locustfile must be a full path to a single Python locustfile for file distribution to work (was '${file}')` };
}
