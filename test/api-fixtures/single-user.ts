// The TypeScript port of single-user.py: runSingleUser, run as a script
// (`node --import packages/worker/register.mjs single-user.ts`); the locust-ts CLI runs it as any locustfile.
import { HttpUser, StopUser, constant, events, runSingleUser, task } from 'locust-ts';

events.init.addListener(() => console.log('MARK init'));
events.testStart.addListener(() => console.log('MARK testStart'));
events.testStop.addListener(() => console.log('MARK testStop'));

export class Single extends HttpUser {
  static host = process.env.TARGET_URL;
  waitTime = constant(0);
  rounds = 0;

  override onStop() {
    console.log('MARK onStop');
  }

  @task()
  async walk() {
    this.rounds += 1;
    await this.client.get('/hello', { name: 'hello' });
    const resp = await this.client.get('/hello', { name: 'checked', catchResponse: true });
    resp.failure('account locked');
    if (this.rounds === 2) throw new StopUser();
  }
}

void runSingleUser(Single).then(() => console.log('MARK done'));
