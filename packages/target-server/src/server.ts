/**
 * The HTTP target the swarm hammers: the original FastAPI service's `GET /hello`, a health check,
 * and optional load knobs (latency, CPU work, injected errors) for autoscaling experiments.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAccessLog } from './access-log.js';
import { type Knobs, KnobError, NO_KNOBS, burnCpu, knobsFromQuery } from './knobs.js';
import { HelloMetrics } from './metrics.js';

export { KnobError, MAX_CPU_MS, MAX_LATENCY_MS, type Knobs } from './knobs.js';
export { type AccessLogLine, parseAccessLog } from './access-log.js';

/** Exactly what the original FastAPI target answers. */
export const HELLO_BODY = { message: 'Hello from FastAPI!' } as const;

export interface ServerOptions {
  /** Default knobs for every `/hello` request (query parameters override them). */
  knobs: Knobs;
  /** Source of randomness for the error ratio (tests pass a fixed one). */
  random: () => number;
  /** Fastify request logging; off by default, it would dominate the cost of `/hello`. */
  logger: boolean;
  /** `--access-log FILE`: a timestamped line per request (access-log.ts) */
  accessLog: string | null;
}

export function buildServer(opts: Partial<ServerOptions> = {}): FastifyInstance {
  const defaults: Knobs = { ...NO_KNOBS, ...opts.knobs };
  const random = opts.random ?? Math.random;
  const app = Fastify({ logger: opts.logger ?? false });
  if (opts.accessLog) installAccessLog(app, opts.accessLog);

  const metrics = new HelloMetrics();

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(metrics.text()));

  app.get('/hello', async (request, reply) => {
    let knobs: Knobs;
    try {
      knobs = knobsFromQuery(defaults, request.query as Record<string, unknown>);
    } catch (err) {
      if (err instanceof KnobError) return reply.code(400).send({ detail: err.message });
      throw err;
    }
    const cpuStart = process.cpuUsage();
    if (knobs.cpuMs > 0) burnCpu(knobs.cpuMs);
    const cpu = process.cpuUsage(cpuStart);
    metrics.record(cpu.user + cpu.system);
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
    if (knobs.errorRatio > 0 && random() < knobs.errorRatio) {
      return reply.code(500).send({ detail: 'Injected error (error_ratio)' });
    }
    return HELLO_BODY;
  });

  return app;
}
