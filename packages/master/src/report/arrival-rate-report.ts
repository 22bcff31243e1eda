/**
 * The arrival rate (open model) in the reports: one line after the console stats table (as
 * Locust prints extra lines after its tables) and `PREFIX_arrival_rate.csv`, a one-row file
 * rewritten with `PREFIX_stats.csv`, whose columns stay Locust's.
 */
import type { ArrivalRateView } from '../runner/arrival-rate.js';
import { pyFixed } from './py-format.js';

/** Anything that can tell whether an arrival-rate test runs (the master runner). */
export interface ArrivalRateSource {
  arrivalRate?(): ArrivalRateView | null;
}

export const ARRIVAL_RATE_CSV_COLUMNS = ['Arrival Rate', 'Max Users', 'Workers', 'Dropped Iterations'];

/** `Arrival rate: 200.00 iterations/s over 2 locust-ts workers, at most 2000 users; dropped iterations: 0`, or nothing. */
export function arrivalRateLines(source: ArrivalRateSource): string[] {
  const view = source.arrivalRate?.();
  if (!view) return [];
  return [
    `Arrival rate: ${pyFixed(view.rate, 2)} iterations/s over ${view.workers} locust-ts worker(s), at most ${view.maxUsers} users; ` +
      `dropped iterations: ${view.droppedIterations}`,
  ];
}

/** The CSV text (header + one row), or null when the test runs by user count. */
export function arrivalRateCsv(source: ArrivalRateSource, row: (cells: Array<string | number>) => string): string | null {
  const view = source.arrivalRate?.();
  if (!view) return null;
  return row(ARRIVAL_RATE_CSV_COLUMNS) + row([pyFixed(view.rate, 2), view.maxUsers, view.workers, view.droppedIterations]);
}
