/**
 * `window.templateArgs` of the React UI: the same keys the newest Locust's `update_template_args`
 * writes (the UI camelizes them; see `ISwarmState` in locust-ui's `lib/types/lib.d.ts`).
 */
import { basename } from 'node:path';
import { properRound } from '@locust-ts/protocol';
import { arrivalRateTemplateArgs } from './arrival-rate-ui.js';
import { formatUtcTimestamp } from './format.js';
import type { WebUiOptions } from './options.js';
import type { HistoryPoint, MasterRunnerView } from '../runner/runner-view.js';
import { PERCENTILES_TO_CHART, PERCENTILES_TO_STATISTICS, intendedKey, percentileKey } from './stats-json.js';

/** The version shown in the UI when the caller gives none. */
export const DEFAULT_UI_VERSION = 'locust-ts';

/** One entry of Locust's `stats.history`: `[utc timestamp, value]` pairs (charts, report). */
export function historyJson(point: HistoryPoint): Record<string, unknown> {
  const ts = formatUtcTimestamp(point.time);
  // only while a load shape ran: the charts' intended line (locust-ts; Locust has no such key)
  const intended = point.intended ? { [intendedKey(point.intended)]: [ts, point.intended.value] } : {};
  return {
    ...intended,
    [percentileKey(0.5)]: [ts, point.currentResponseTimePercentile50 ?? 0],
    [percentileKey(0.95)]: [ts, point.currentResponseTimePercentile95 ?? 0],
    current_rps: [ts, point.currentRps],
    current_fail_per_sec: [ts, point.currentFailPerSec],
    total_avg_response_time: [ts, properRound(point.totalAvgResponseTime * 100) / 100],
    user_count: [ts, point.userCount],
    time: ts,
  };
}

export function templateArgs(runner: MasterRunnerView, options: WebUiOptions): Record<string, unknown> {
  const classes = runner.userClasses();
  const isShape = options.isShape ?? false;
  const classPicker = options.classPicker ?? false;
  const shapeCommon = options.shapeUseCommonOptions ?? false;
  return {
    locustfile: basename(runner.locustfile),
    state: runner.state,
    is_distributed: true,
    user_count: runner.userCount,
    version: options.version ?? DEFAULT_UI_VERSION,
    host: runner.host ?? '',
    history: runner.stats.total.numRequests > 0 ? runner.history().map(historyJson) : [],
    override_host_warning: false,
    missing_host_warning: !runner.host,
    num_users: options.numUsers ?? null,
    spawn_rate: options.spawnRate ?? null,
    worker_count: runner.workerCount(),
    // newest Locust: a shape hides users / spawn rate / run time unless the class picker is on or
    // the shape uses the common options (2.12.1 called this `is_shape`)
    hide_common_options: isShape && !(classPicker || shapeCommon),
    shape_use_common_options: isShape && shapeCommon,
    stats_history_enabled: Boolean(options.fullHistoryCsvPath),
    tasks: '{}',
    extra_options: options.extraOptions ?? {},
    run_time: options.runTime ?? null,
    show_userclass_picker: classPicker,
    available_user_classes: classes.map((c) => c.name).sort(),
    available_shape_classes: isShape && options.shapeName ? ['Default', options.shapeName] : ['Default'],
    available_user_tasks: Object.fromEntries(classes.map((c) => [c.name, Object.keys(c.tasks ?? {})])),
    users: Object.fromEntries(
      classes.map((c) => [c.name, { host: runner.host, weight: c.weight, fixed_count: c.fixedCount, tasks: Object.keys(c.tasks ?? {}) }]),
    ),
    percentiles_to_chart: [...PERCENTILES_TO_CHART],
    percentiles_to_statistics: [...PERCENTILES_TO_STATISTICS],
    is_host_required: false,
    profile: null,
    ...arrivalRateTemplateArgs(options.arrivalRate, options.maxUsers),
    // the locustfile's `webUi.templateArgs` (Locust's web_ui.template_args): extended_tabs, …
    ...options.templateArgs,
  };
}

/** JSON for an inline script: `<` escaped, so no value (a host, a class name) can close the element. */
export function inlineScriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The built index.html with the template args in front of the bundle. `</` is escaped so no
 * value (a host, a class name) can close the script element.
 */
export function renderIndexHtml(indexHtml: string, args: Record<string, unknown>, baseUrl: string | null): string {
  const json = inlineScriptJson(args);
  const base = baseUrl === null ? '' : `window.baseUrl = ${inlineScriptJson(baseUrl)};\n      `;
  const script = `<script>\n      ${base}window.templateArgs = ${json};\n    </script>`;
  return indexHtml.replace('<!--locust-ts:template-args-->', script);
}
