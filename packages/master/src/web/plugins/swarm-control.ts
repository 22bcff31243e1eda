/** Swarm control: `POST /swarm`, `GET /stop`, `GET /stats/reset`, `POST /user` (spec §8). */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { parseArrivalRateForm } from '../arrival-rate-ui.js';
import type { MasterRunnerView, SwarmRequest, UserClassUpdate } from '../../runner/runner-view.js';
import { TIMESPAN_FORMATS, parseTimespan } from '@locust-ts/protocol';
import { ShapeSpecError, parseShapeSpec } from '../../shapes/index.js';

/** Locust's web error text for a bad run_time. */
const TIMESPAN_ERROR = `Valid run_time formats are : ${TIMESPAN_FORMATS}`;

export interface SwarmControlOptions {
  runner: MasterRunnerView;
  isShape: boolean;
  /** the shape's class name, for the answer and the form's `shape_class` choice */
  shapeName: string;
  classPicker: boolean;
  log: (line: string) => void;
  /** custom arguments shown in the form, and the live parsed options the form's values go to */
  extraOptionNames?: readonly string[];
  parsedOptions?: Record<string, unknown>;
}

export const MISSING_COUNTS_ERROR = 'Missing user_count or spawn_rate from /swarm request';
export const USER_UPDATE_FORMAT_ERROR = 'POST /user needs a JSON object with "user_class_name"';

type Form = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Python `int(text)`: optional sign, digits, surrounding blanks. */
function parsePyInt(text: string): number | null {
  return /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : null;
}

/** Python `float(text)` for the inputs a form sends. */
function parsePyFloat(text: string): number | null {
  const t = text.trim();
  return t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : null;
}

export interface ParsedSwarmForm {
  /** user_count / spawn_rate stay 0 when missing (a load shape needs neither) */
  request: SwarmRequest;
  /** Locust's message for the first invalid field; missing counts are reported separately */
  error?: string;
  countsMissing: boolean;
}

/** Reads the form as Locust's `swarm()` does. */
export function parseSwarmForm(form: Form): ParsedSwarmForm {
  const request: SwarmRequest = { userCount: 0, spawnRate: 0 };
  let error: string | undefined;
  const userCountText = first(form.user_count);
  const userCount = userCountText === undefined ? null : parsePyInt(userCountText);
  if (userCountText !== undefined && userCount === null) error ??= `invalid literal for int() with base 10: '${userCountText}'`;
  const spawnRateText = first(form.spawn_rate);
  const spawnRate = spawnRateText === undefined ? null : parsePyFloat(spawnRateText);
  if (spawnRateText !== undefined && spawnRate === null) error ??= `could not convert string to float: '${spawnRateText}'`;
  const host = first(form.host);
  // Locust strips < and > to guard the UI against script injection through the host.
  if (host !== undefined) request.host = host.replace(/[<>]/g, '');
  const runTimeText = first(form.run_time);
  if (runTimeText) {
    const runTime = parseTimespan(runTimeText);
    if (runTime === null) error ??= TIMESPAN_ERROR;
    else request.runTime = runTime;
  }
  const classes = all(form.user_classes);
  if (classes.length > 0) request.userClasses = classes;
  request.userCount = userCount ?? 0;
  request.spawnRate = spawnRate ?? 0;
  return { request, error, countsMissing: userCount === null || !spawnRate };
}

/**
 * locust-ts: a `shape` field (a `--shape` spec, from the form's shape picker) runs that built-in
 * shape instead of `user_count`/`spawn_rate`; `run_time` still caps it.
 */
function startBuiltinShape(
  runner: MasterRunnerView,
  spec: string,
  request: SwarmRequest,
  fail: (message: string) => Record<string, unknown>,
  host: string | null,
): Record<string, unknown> {
  if (!runner.startShape) return fail('This master cannot run load shapes');
  let shape;
  try {
    shape = parseShapeSpec(spec);
  } catch (err) {
    if (err instanceof ShapeSpecError) return fail(`shape: ${err.message}`);
    throw err;
  }
  const started = runner.startShape({
    shape,
    ...(request.host !== undefined ? { host: request.host } : {}),
    ...(request.runTime ? { runTime: request.runTime } : {}),
  });
  if (!started) return fail('There is an ongoing shape test running. Editing is disabled');
  return { success: true, message: `Swarming started using shape '${shape.spec}'`, host };
}

/** The form's custom-argument fields into `parsed_options`, keeping each option's type (newest Locust's `swarm()`). */
function applyCustomFields(form: Form, opts: SwarmControlOptions): void {
  const target = opts.parsedOptions;
  if (!target) return;
  for (const key of opts.extraOptionNames ?? []) {
    const text = first(form[key]);
    if (text === undefined) continue;
    const current = target[key];
    if (Array.isArray(current)) {
      // a multiple select (is_multiple) sends the key once per choice, or one comma-separated text
      const all = Array.isArray(form[key]) ? (form[key] as string[]) : [text];
      const items = all.length === 1 && text.includes(',') ? text.split(',') : all;
      target[key] = current.length > 0 && current.every((x) => typeof x === 'number') ? items.map(Number) : items;
    } else if (typeof current === 'boolean') target[key] = text === 'true' || text === 'on';
    else if (typeof current === 'number') {
      const n = Number(text);
      if (Number.isFinite(n)) target[key] = n;
    } else target[key] = text;
  }
}

export const swarmControlPlugin: FastifyPluginAsync<SwarmControlOptions> = async (app: FastifyInstance, opts) => {
  const { runner, log } = opts;
  await app.register(formbody);

  app.post('/swarm', async (req) => {
    const { request, error, countsMissing } = parseSwarmForm((req.body ?? {}) as Form);
    const host = request.host ?? runner.host;
    const fail = (message: string) => {
      log(message);
      return { success: false, message, host };
    };
    if (error) return fail(error);
    applyCustomFields((req.body ?? {}) as Form, opts);
    const start = (r: SwarmRequest) =>
      // The ramp runs in the background: the response returns at once, as Locust's does.
      runner.start(r).catch((err: unknown) => log(`Starting the swarm failed: ${err instanceof Error ? err.message : String(err)}`));
    const spec = first((req.body as Form | undefined)?.shape)?.trim();
    if (spec) return startBuiltinShape(runner, spec, request, fail, host);
    // With a load shape the counts come from the shape, not the form. With the class picker the
    // form chooses: `shape_class` "Default" (Locust's default) runs without the shape.
    const useShape = opts.isShape && (!opts.classPicker || first((req.body as Form | undefined)?.shape_class) === opts.shapeName);
    if (useShape && runner.startShape) {
      runner.startShape(request.host !== undefined ? { host: request.host } : {});
      return { success: true, message: `Swarming started using shape class '${opts.shapeName}'`, host };
    }
    const arrival = parseArrivalRateForm((req.body ?? {}) as Form);
    if (arrival) {
      if ('error' in arrival) return fail(arrival.error);
      if (!runner.startArrivalRate) return fail('This master cannot run an arrival rate');
      try {
        runner.startArrivalRate(arrival.rate, {
          ...(arrival.maxUsers ? { maxUsers: arrival.maxUsers } : {}),
          ...(request.runTime ? { runTime: request.runTime } : {}),
          ...(request.host !== undefined ? { host: request.host } : {}),
        });
      } catch (err) {
        return fail(err instanceof Error ? err.message : String(err));
      }
      return { success: true, message: `Arrival rate of ${arrival.rate}/s started`, host };
    }
    if (countsMissing) return fail(MISSING_COUNTS_ERROR);
    void start(request);
    const body: Record<string, unknown> = { success: true, message: 'Swarming started', host };
    if (request.runTime) body.run_time = request.runTime;
    if (opts.classPicker) body.user_classes = [...(request.userClasses ?? runner.userClasses().map((c) => c.name))].sort();
    return body;
  });

  app.get('/stop', async () => {
    await runner.stop();
    return { success: true, message: 'Test stopped' };
  });

  app.get('/stats/reset', async (_req, reply) => {
    runner.resetStats();
    return reply.type('text/html; charset=utf-8').send('ok');
  });

  /**
   * Locust answers `{}` 201, or 500 when the class is unknown (after broadcasting it anyway);
   * here a body that cannot apply is refused with 400 and one line, and nothing is sent.
   */
  app.post('/user', async (req, reply) => {
    let body: unknown = req.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as unknown;
      } catch {
        body = null;
      }
    }
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as UserClassUpdate).user_class_name !== 'string') {
      return reply.code(400).send({ success: false, message: USER_UPDATE_FORMAT_ERROR });
    }
    try {
      runner.updateUserClass?.(body as UserClassUpdate);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`POST /user refused: ${message}`);
      return reply.code(400).send({ success: false, message });
    }
    return reply.code(201).send({});
  });
};
