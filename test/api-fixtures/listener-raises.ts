// The TypeScript port of listener-raises.py: a request listener throws, per LISTENER_RAISES, when request "a" ends
// (or, with RAISE_IN=task, the task throws it right after request "a").
import { HttpUser, InterruptTaskSet, RescheduleTask, StopUser, constant, events, task } from 'locust-ts';

const MODE = process.env.LISTENER_RAISES ?? 'reschedule';
const IN_TASK = process.env.RAISE_IN === 'task';

function raiseForMode(): void {
  if (MODE === 'reschedule') throw new RescheduleTask();
  if (MODE === 'reschedule-immediately') throw new RescheduleTask(true);
  if (MODE === 'interrupt') throw new InterruptTaskSet();
  if (MODE === 'stop-user') throw new StopUser();
  if (MODE === 'error') throw new Error('listener failed');
}

events.request.addListener(({ name }) => {
  if (name === 'a' && !IN_TASK) raiseForMode();
});

export class Listened extends HttpUser {
  waitTime = constant(0.01);

  override onStop() {
    process.stderr.write('MARK onStop\n');
  }

  @task()
  async t() {
    await this.client.get('/hello', { name: 'a' });
    if (IN_TASK) raiseForMode();
    await this.client.get('/hello', { name: 'b' });
  }
}
