// A load shape (Locust's LoadTestShape): stages of users over time, then the end of the test.
// Run it with `locust-ts -f examples/shape-locustfile.ts --headless -H http://127.0.0.1:8080`.
import { HttpUser, LoadTestShape, between, task } from 'locust-ts';

export class SimpleUser extends HttpUser {
  waitTime = between(1, 2);

  @task()
  async hello() {
    await this.client.get('/hello');
  }
}

/** [until second, users, spawn rate] */
const STAGES = [
  [30, 10, 10],
  [60, 50, 10],
  [90, 10, 10],
] as const;

export class StagesShape extends LoadTestShape {
  tick() {
    const runTime = this.getRunTime();
    const stage = STAGES.find(([until]) => runTime < until);
    return stage ? ([stage[1], stage[2]] as const) : null;
  }
}
