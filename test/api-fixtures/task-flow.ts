// User classes for packages/worker/src/runtime/task-flow.test.ts (decorators need tsx, not vitest's transform).
import { MarkovTaskSet, RescheduleTask, SequentialTaskSet, TaskSet, User, tag, task, transition, transitions } from 'locust-ts';

// the test reads what ran from here
const log: string[] = ((globalThis as Record<string, unknown>).taskFlowLog ??= []) as string[];
const mark = (s: string): void => void log.push(s);

class Flow extends SequentialTaskSet {
  @task() a() { mark('a'); }
  @task(2) b() { mark('b'); }
  @task() c() { mark('c'); }
}
export class SequenceUser extends User {
  static tasks = [Flow];
}

class Chain extends MarkovTaskSet {
  @transition('browse') index() { mark('index'); }
  @transitions({ cart: 1 }) browse() { mark('browse'); }
  @transitions(['index']) cart() { mark('cart'); }
}
export class MarkovUser extends User {
  static tasks = [Chain];
}

export class ScheduleUser extends User {
  count = 0;
  @task() main() {
    mark('main');
    if (++this.count === 1) {
      this.scheduleTask(() => mark('later'));
      this.scheduleTask(() => mark('first'), true);
    }
  }
}

let step = 0;
class Inner extends TaskSet {
  waitTime = () => 0;
  @task() leave() {
    step++;
    mark(`leave${step}`);
    if (step === 1) this.interrupt();
    this.interrupt({ reschedule: false });
  }
}
export class InterruptUser extends User {
  static tasks = [Inner];
  waitTime = () => {
    if (step > 0) mark('wait');
    return 0;
  };
}

let n = 0;
export class RescheduleUser extends User {
  waitTime = () => {
    if (n > 0) mark('wait');
    return 0;
  };
  @task() t() {
    n++;
    mark(`t${n}`);
    if (n === 1) throw new RescheduleTask(true);
    if (n === 2) throw new RescheduleTask();
  }
}

export class StoppingUser extends User {
  @task() once() {
    mark('task');
    this.stop();
  }
  override onStop() {
    mark('stop');
  }
}

@tag('checkout')
class Checkout extends TaskSet {
  @task() pay() {}
}
export class ShopUser extends User {
  static tasks = [Checkout];
  @tag('browse') @task() look() {}
}

// a task set two levels deep without a wait time of its own waits as its user (Locust's
// TaskSet.wait_time returns self.user.wait_time()), not as the task set around it
class Deep extends TaskSet {
  @task() deep() { mark('deep'); }
}
class Middle extends TaskSet {
  waitTime = () => { mark('middle-wait'); return 0; };
  static tasks = [Deep];
}
export class NestedWaitUser extends User {
  waitTime = () => { mark('user-wait'); return 0; };
  static tasks = [Middle];
}

// Locust's TaskSet.wait() and User.wait(), e.g. in on_start (examples/semaphore_wait.py)
class WaitsFirst extends TaskSet {
  override async onStart() {
    mark('set-start');
    await this.wait();
    mark('set-waited');
  }
  @task() t() { mark('t'); }
}
export class TaskSetWaitUser extends User {
  waitTime = () => { mark('user-wait'); return 0; };
  static tasks = [WaitsFirst];
}
export class UserWaitUser extends User {
  waitTime = () => { mark('own-wait'); return 0; };
  override async onStart() {
    await this.wait();
    mark('started');
  }
  @task() t() { mark('t'); }
}
