/**
 * The real Fastify target (`@locust-ts/target-server`) with its load knobs, recording what it
 * saw: each request's arrival time (epoch ms), its service time, and the most requests in flight
 * at once — the truth a test compares a load generator's claims with.
 */
import type { AddressInfo } from 'node:net';
import { type Knobs, buildServer } from '@locust-ts/target-server';

export interface CountingTarget {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** arrival time of every request, epoch ms, in order */
  readonly arrivals: number[];
  /** service time of every answered request, ms */
  readonly serviceTimes: number[];
  /** the most requests being served at one moment */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

export async function startCountingTarget(knobs: Partial<Knobs> = {}): Promise<CountingTarget> {
  const app = buildServer({ knobs: { latencyMs: 0, errorRatio: 0, cpuMs: 0, ...knobs } });
  const arrivals: number[] = [];
  const serviceTimes: number[] = [];
  const started = new WeakMap<object, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  app.addHook('onRequest', async (request) => {
    arrivals.push(Date.now());
    started.set(request, performance.now());
    maxInFlight = Math.max(maxInFlight, ++inFlight);
  });
  app.addHook('onResponse', async (request) => {
    inFlight--;
    serviceTimes.push(performance.now() - (started.get(request) ?? performance.now()));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    serviceTimes,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () => app.close(),
  };
}
