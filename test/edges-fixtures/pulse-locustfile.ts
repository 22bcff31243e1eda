// A square pulse for the synchronized-edge tests: PULSE_PEAK users (default 1000) for PULSE_ON
// seconds, 0 for PULSE_OFF, PULSE_CYCLES times, after PULSE_LEAD_IN seconds at 0 users (heartbeat
// clock samples). Every user tags its requests with its own id, so the target's access log shows
// when each user's first request arrived (`u=`) and when it was stopped (`stop=`, from onStop).
import { randomUUID } from 'node:crypto';
import { HttpUser, LoadTestShape, constant, task } from 'locust-ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const PEAK = env('PULSE_PEAK', 1000);
const ON = env('PULSE_ON', 3);
const OFF = env('PULSE_OFF', 3);
const CYCLES = env('PULSE_CYCLES', 2);
// off the 100 ms tick grid, so that no tick's jitter decides which tick sees an edge
const LEAD_IN = env('PULSE_LEAD_IN', 1.05);
/** "instant": far above any user change */
const SPAWN_RATE = 100_000;

export class PulseUser extends HttpUser {
  waitTime = constant(0.2);
  private readonly uid = randomUUID().slice(0, 8);

  @task()
  async hello() {
    await this.client.get(`/hello?u=${this.uid}`, { name: '/hello' });
  }

  override async onStop() {
    await this.client.get(`/hello?stop=${this.uid}`, { name: '/hello stop' });
  }
}

export class SquarePulse extends LoadTestShape {
  tick() {
    const t = this.getRunTime() - LEAD_IN;
    if (t < 0) return [0, SPAWN_RATE] as const;
    const cycle = Math.floor(t / (ON + OFF));
    if (cycle >= CYCLES) return null;
    return [t - cycle * (ON + OFF) < ON ? PEAK : 0, SPAWN_RATE] as const;
  }
}
