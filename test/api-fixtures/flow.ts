// The TypeScript port of flow.py, line for line.
import { HttpUser, SequentialTaskSet, constant, events, tag, task } from 'locust-ts';

function log(name: string): void {
  process.stderr.write(`EVENT ${name}\n`);
}

events.init.addListener(() => log('init'));
events.testStart.addListener(() => log('testStart'));
events.spawningComplete.addListener(() => log('spawningComplete'));
events.testStopping.addListener(() => log('testStopping'));
events.testStop.addListener(() => log('testStop'));
events.quitting.addListener(() => log('quitting'));
events.quit.addListener(() => log('quit'));

class Flow extends SequentialTaskSet {
  override async onStart() {
    await this.client.post('/login', { data: { user: 'alice' } });
  }

  @task()
  async a() {
    await this.client.get('/seq/a');
  }

  @tag('slow')
  @task(2)
  async b() {
    await this.client.get('/seq/b');
  }

  @task()
  async c() {
    await this.client.get('/private');
  }

  @tag('x')
  @task()
  async d() {
    await this.client.get('/seq/d');
  }
}

export class WebUser extends HttpUser {
  waitTime = constant(0.05);
  static tasks = [Flow];
}
