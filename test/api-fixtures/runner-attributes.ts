// The TypeScript port of runner-attributes.py: Locust's runner attributes at each runner event.
// Every attribute is printed; the test compares those Python's runner of the same kind has.
import { type Environment, HttpUser, constant, events, task } from 'locust-ts';

function show(moment: string, environment: Environment): void {
  const runner = environment.runner!;
  const values: Record<string, unknown> = {
    targetUserCount: runner.targetUserCount,
    userCount: runner.userCount,
    userClassesCount: runner.userClassesCount,
    targetUserClassesCount: runner.targetUserClassesCount,
    spawnRate: runner.spawnRate,
    workerCount: runner.workerCount,
    state: runner.state,
    workerIndex: runner.workerIndex,
    clients: [...runner.clients].length,
    stats: runner.stats === environment.stats,
    environment: runner.environment === environment,
  };
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
  process.stderr.write(`ATTRS ${moment} ${JSON.stringify(sorted)}\n`);
}

let env: Environment;
events.init.addListener(({ environment }) => {
  env = environment;
});
events.testStart.addListener(({ environment }) => show('testStart', environment));
events.spawningComplete.addListener(() => show('spawningComplete', env));
events.testStopping.addListener(({ environment }) => show('testStopping', environment));
events.testStop.addListener(({ environment }) => show('testStop', environment));

export class Alpha extends HttpUser {
  static weight = 3;
  waitTime = constant(0.2);

  @task()
  async t() {
    await this.client.get('/hello');
  }
}

export class Beta extends HttpUser {
  static weight = 1;
  waitTime = constant(0.2);

  @task()
  async t() {
    await this.client.get('/hello');
  }
}
