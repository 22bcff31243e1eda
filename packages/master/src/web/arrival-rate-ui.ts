/**
 * The arrival rate (open model, contract K3) in Locust's own web UI, through the extension
 * points locust-ui already has — no fork of the UI:
 * - the start form: two "Custom parameters" (`extra_options`), shown when the master was started
 *   with `--arrival-rate`; `POST /swarm` with a non-empty `arrival_rate` starts an arrival rate;
 * - an "Arrival rate" tab (`extended_tabs` + `extended_tables`) whose rows come with every
 *   `GET /stats/requests` as `extended_stats`, next to plain `dropped_iterations`/`arrival_rate` keys.
 * Without an arrival rate nothing here adds a key: the REST shapes stay Locust's.
 */
import type { ArrivalRateView } from '../runner/arrival-rate.js';

/** The tab's key (a value, so the UI's camelizing leaves it alone). */
export const ARRIVAL_RATE_TAB = 'arrival_rate';

type Form = Record<string, string | string[] | undefined>;

/** Template args that add the form fields and the tab (`{}` when no arrival rate was configured). */
export function arrivalRateTemplateArgs(arrivalRate: number | null | undefined, maxUsers: number | null | undefined): Record<string, unknown> {
  if (arrivalRate === null || arrivalRate === undefined) return {};
  const field = (value: number | null | undefined, help: string) => ({
    default_value: value === null || value === undefined ? '' : String(value),
    choices: null,
    is_secret: false,
    is_required: false,
    help_text: help,
  });
  return {
    extra_options: {
      arrival_rate: field(arrivalRate, 'iterations/s over the locust-ts workers, replaces the user count; empty: run users'),
      max_users: field(maxUsers, 'most users of the arrival rate; default 10 x rate'),
    },
    extended_tabs: [{ title: 'Arrival rate', key: ARRIVAL_RATE_TAB }],
    extended_tables: [
      {
        key: ARRIVAL_RATE_TAB,
        structure: [
          { key: 'name', title: 'Figure' },
          { key: 'value', title: 'Value' },
        ],
      },
    ],
  };
}

/** Keys added to `GET /stats/requests` while an arrival rate is (or was last) the test. */
export function arrivalRateStatsJson(view: ArrivalRateView | null): Record<string, unknown> {
  if (!view) return {};
  return {
    dropped_iterations: view.droppedIterations,
    arrival_rate: { rate: view.rate, max_users: view.maxUsers, workers: view.workers },
    extended_stats: [
      {
        key: ARRIVAL_RATE_TAB,
        data: [
          { name: 'Arrival rate (iterations/s)', value: view.rate },
          { name: 'Max users', value: view.maxUsers },
          { name: 'locust-ts workers', value: view.workers },
          { name: 'Dropped iterations', value: view.droppedIterations },
        ],
      },
    ],
  };
}

function field(form: Form, snake: string, camel: string): string | undefined {
  const value = form[snake] ?? form[camel];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/** `arrival_rate`/`max_users` of a `/swarm` form: null when absent (a user-count test). */
export function parseArrivalRateForm(form: Form): { rate: number; maxUsers?: number } | { error: string } | null {
  const rateText = field(form, 'arrival_rate', 'arrivalRate');
  if (rateText === undefined) return null;
  const rate = Number(rateText);
  if (!Number.isFinite(rate) || rate <= 0) return { error: `arrival_rate must be a number of iterations per second > 0, got '${rateText}'` };
  const maxText = field(form, 'max_users', 'maxUsers');
  if (maxText === undefined) return { rate };
  const maxUsers = Number(maxText);
  if (!Number.isInteger(maxUsers) || maxUsers < 1) return { error: `max_users must be a whole number >= 1, got '${maxText}'` };
  return { rate, maxUsers };
}
