/**
 * One locust-ts load generator process for the benchmark: a real worker (runWorker, full
 * per-request stats) driven by a scripted master over ZeroMQ in the same process. Prints one
 * JSON line with what the master saw. Run pinned: `taskset -c 1 node --import tsx ...`.
 *
 *   --target URL --users N --wait zero|between --duration SECONDS --warmup SECONDS [--rate USERS_PER_S]
 *
 * With --rate the scripted master ramps like a Locust master (one spawn per second with the
 * growing target); figures marked "steady" only use stats reported after the warm-up.
 *
 * With --base N: N users (`/hello`) run first; after the warm-up, --users more (`/hello new`) are
 * spawned at --rate per second in steps of a quarter second, and the JSON line adds the p99 of the
 * N running users before (`baseP99`) and during the ramp (`rampP99`): what spawning costs them.
 */
import { parseArgs } from 'node:util';
import { MasterSocket, RequestStats, isCustom } from '@locust-ts/protocol';
import { HttpUser, type UserClass, between, constant, runWorker, silentLogger } from '@locust-ts/worker';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    users: { type: 'string', default: '32' },
    wait: { type: 'string', default: 'zero' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    rate: { type: 'string' },
    base: { type: 'string' },
  },
});
const users = Number(values.users);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rate = values.rate ? Number(values.rate) : users;
/** Seconds between a master's ramp steps (spec §6.4 with rate ≥ 1). */
const RAMP_STEP_S = 1;
const base = values.base ? Number(values.base) : 0;
/** --base: spawn steps every quarter second (250 users at once at 1,000/s) */
const SPAWN_STEP_S = 0.25;
/** --base: worker stats every half second, so that the windows before and during the ramp are sharp */
const BASE_REPORT_INTERVAL_S = 0.5;

class BenchUser extends HttpUser {
  static tasks = { hello: 1 };
  hello() {
    return this.client.get('/hello');
  }
}
(BenchUser as UserClass).waitTime = values.wait === 'between' ? between(1, 2) : constant(0);

class NewUser extends HttpUser {
  static tasks = { hello: 1 };
  hello() {
    return this.client.get('/hello', { name: '/hello new' });
  }
}
(NewUser as UserClass).waitTime = (BenchUser as UserClass).waitTime;

const master = new MasterSocket({ bindHost: '127.0.0.1', port: 0 });
const port = await master.bind();
const stats = new RequestStats(false);
/** Only reports that arrive after the warm-up: steady-state percentiles. */
const steady = new RequestStats(false);
let spawnedAt = 0;
let acked = false;
/** --base: the running users' stats before and during the ramp */
const beforeRamp = new RequestStats(false);
const duringRamp = new RequestStats(false);
let rampWindow: [number, number] | null = null;
const worker = runWorker({
  userClasses: [BenchUser, NewUser],
  masterPort: port,
  host: values.target,
  logger: silentLogger,
  ...(base > 0 ? { timing: { reportInterval: BASE_REPORT_INTERVAL_S } } : {}),
});
void master.listen({
  onMessage: (m, id) => {
    if (m.type === 'client_ready' && !acked) {
      acked = true;
      void master.send(id, 'ack', { index: 0 });
      spawnedAt = Date.now() / 1000;
      void (base > 0 ? spawnOverRunning(id) : ramp(id));
    } else if (!isCustom(m) && m.type === 'stats') {
      stats.mergeReport(m.data);
      const now = Date.now() / 1000;
      if (now > spawnedAt + warmup) steady.mergeReport(m.data);
      if (base > 0 && now > spawnedAt + 2 && !rampWindow) beforeRamp.mergeReport(m.data);
      if (rampWindow && now > rampWindow[0] && now <= rampWindow[1] + BASE_REPORT_INTERVAL_S) duringRamp.mergeReport(m.data);
    }
  },
  onBadFrame: () => undefined,
});

function spawnMessage(counts: Record<string, number>) {
  return { timestamp: Date.now() / 1000, user_classes_count: counts, host: values.target ?? null, stop_timeout: null, parsed_options: {} };
}

/** --base: the running users first, then the new ones at --rate per second. */
async function spawnOverRunning(id: string): Promise<void> {
  await master.send(id, 'spawn', spawnMessage({ BenchUser: base, NewUser: 0 }));
  await new Promise((r) => setTimeout(r, warmup * 1000));
  const step = Math.max(1, Math.round(rate * SPAWN_STEP_S));
  const started = Date.now() / 1000;
  rampWindow = [started, Infinity];
  for (let n = step; ; n = Math.min(n + step, users)) {
    await master.send(id, 'spawn', spawnMessage({ BenchUser: base, NewUser: n }));
    if (n >= users) break;
    await new Promise((r) => setTimeout(r, SPAWN_STEP_S * 1000));
  }
  rampWindow = [started, Date.now() / 1000];
}

async function ramp(id: string): Promise<void> {
  for (let target = Math.min(rate, users); ; target = Math.min(target + rate, users)) {
    await master.send(id, 'spawn', {
      timestamp: Date.now() / 1000,
      user_classes_count: { BenchUser: target },
      host: values.target ?? null,
      stop_timeout: null,
      parsed_options: {},
    });
    if (target >= users) return;
    await new Promise((r) => setTimeout(r, RAMP_STEP_S * 1000));
  }
}

await new Promise((r) => setTimeout(r, duration * 1000 + 200));
const endedAt = Date.now() / 1000;
await master.send(worker.clientId, 'quit', null);
await worker.done;
await new Promise((r) => setTimeout(r, 300));
await master.close();

const total = stats.total;
// Steady state: whole seconds after the warm-up, before the last (partial) second.
let steadyRequests = 0;
let steadySeconds = 0;
for (let t = Math.ceil(spawnedAt + warmup); t < Math.floor(endedAt) - 1; t++) {
  steadyRequests += total.numReqsPerSec.get(t) ?? 0;
  steadySeconds++;
}
const window = { lastRequestTimestamp: total.lastRequestTimestamp, startTime: spawnedAt };
process.stdout.write(
  `${JSON.stringify({
    requests: total.numRequests,
    failures: total.numFailures,
    rps: total.totalRps(window),
    steadyRps: steadySeconds > 0 ? steadyRequests / steadySeconds : 0,
    p50: total.getResponseTimePercentile(0.5),
    p99: total.getResponseTimePercentile(0.99),
    steadyP50: steady.total.getResponseTimePercentile(0.5),
    steadyP99: steady.total.getResponseTimePercentile(0.99),
    ...(base > 0
      ? {
          baseP99: beforeRamp.get('/hello', 'GET').getResponseTimePercentile(0.99),
          rampP99: duringRamp.get('/hello', 'GET').getResponseTimePercentile(0.99),
          baseRequests: beforeRamp.get('/hello', 'GET').numRequests,
          rampRequests: duringRamp.get('/hello', 'GET').numRequests,
        }
      : {}),
  })}\n`,
);
process.exit(0);
