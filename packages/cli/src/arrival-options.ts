/**
 * `--arrival-rate R` / `--max-users N` (contract K3): the checks after parsing. Each bad value or
 * combination is one `locust-ts: error:` line and exit code 2, as argparse's own errors.
 */
import type { OptionValue } from './option-specs.js';
import { UsageError } from '@locust-ts/protocol';

export function checkArrivalOptions(v: Record<string, OptionValue>): void {
  const rate = v.arrival_rate;
  const maxUsers = v.max_users;
  if (typeof rate === 'number' && !(rate > 0)) {
    throw new UsageError(`argument --arrival-rate: must be a number of iterations per second > 0, got ${rate}`);
  }
  if (typeof maxUsers === 'number' && maxUsers < 1) {
    throw new UsageError(`argument --max-users: must be a whole number >= 1, got ${maxUsers}`);
  }
  if (typeof maxUsers === 'number' && typeof rate !== 'number') {
    throw new UsageError('argument --max-users: only meaningful with --arrival-rate');
  }
  if (typeof rate !== 'number') return;
  if (typeof v.num_users === 'number') {
    throw new UsageError('argument --arrival-rate: not allowed with -u/--users (an arrival rate sizes its own pool: use --max-users)');
  }
  if (v.worker === true) {
    throw new UsageError('argument --arrival-rate: set it on the master (or a local run), not on a worker');
  }
}
