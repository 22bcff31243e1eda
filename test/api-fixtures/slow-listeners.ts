// The TypeScript port of slow-listeners.py: every runner event gets an async listener that takes
// a while; the marks show whether the runner awaited it before going on, as Locust waits for its
// blocking listeners.
import { HttpUser, constant, events, task } from 'locust-ts';

function mark(text: string): void {
  process.stderr.write(`MARK ${text}\n`);
}

const slow = (name: string) => async () => {
  mark(`${name} begin`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  mark(`${name} end`);
};

events.init.addListener(slow('init'));
events.testStart.addListener(slow('testStart'));
events.spawningComplete.addListener(slow('spawningComplete'));
events.testStopping.addListener(slow('testStopping'));
events.testStop.addListener(slow('testStop'));
events.quitting.addListener(slow('quitting'));
events.quit.addListener(slow('quit'));

export class Slow extends HttpUser {
  waitTime = constant(0.2);

  @task()
  async t() {
    await this.client.get('/hello');
  }
}
