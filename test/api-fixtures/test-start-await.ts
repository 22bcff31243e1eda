// The TypeScript port of test-start-await.py: "fetch test data at test start" (a slow request in
// an async testStart listener); no user may run a task before it is done, locally and on workers.
import { HttpUser, constant, events, task } from 'locust-ts';

const state = { ready: false, first: true };

function mark(text: string): void {
  process.stderr.write(`MARK ${text}\n`);
}

events.init.addListener(async ({ environment }) => {
  // only where Locust runs init before anything else happens: a local run (a worker's init may
  // overlap its first spawn in Python, whose listeners yield on I/O)
  if (environment.runner?.mode !== 'local') return;
  await fetch(`${environment.host}/hello?latency_ms=2500`);
  mark('init done');
});

events.testStart.addListener(async ({ environment }) => {
  if (environment.runner?.mode === 'master') return;
  await fetch(`${environment.host}/hello?latency_ms=700`);
  state.ready = true;
  mark('testStart done');
});

export class Reader extends HttpUser {
  waitTime = constant(0.05);

  @task()
  async read() {
    if (!state.ready) mark('task before testStart ended');
    if (state.first) {
      state.first = false;
      mark('first task');
    }
    await this.client.get('/hello', { name: 'task' });
  }
}
