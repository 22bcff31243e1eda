// Every task, transition and wait-time form docs/porting.md shows ("Tasks, transitions and wait
// times"), each making requests under its own name; test/api-task-forms.test.ts runs it.
import {
  HttpUser,
  MarkovTaskSet,
  SequentialTaskSet,
  TaskSet,
  between,
  constant,
  constantPacing,
  constantThroughput,
  task,
  transition,
  transitions,
} from 'locust-ts';

const get = (user: { client: HttpUser['client'] }, name: string) => user.client.get('/hello', { name });

// ---- tasks as decorated methods
export class Decorated extends HttpUser {
  waitTime = between(0.01, 0.02);
  @task() plain() {
    return get(this, 'decorator @task()');
  }
  @task(3) weighted() {
    return get(this, 'decorator @task(3)');
  }
  @task async bare() {
    await get(this, 'decorator @task');
  }
}

// ---- plain functions as tasks: `this` and the argument are the user (Locust passes it as the argument)
function visit(this: HttpUser) {
  return get(this, 'function (this)');
}
const visitByArgument = (user: HttpUser) => get(user, 'function (argument)');

// ---- tasks as a static list or mapping
export class StaticList extends HttpUser {
  static waitTime = constant(0.01);
  static tasks = ['byName', ['byNameWeighted', 2], visit, [visitByArgument, 2]];
  byName() {
    return get(this, 'static tasks: name');
  }
  byNameWeighted() {
    return get(this, 'static tasks: [name, weight]');
  }
}

export class StaticMapping extends HttpUser {
  static waitTime = constantPacing(0.02);
  static tasks = { one: 1, two: 2 };
  one() {
    return get(this, 'static tasks: { name: weight } 1');
  }
  two() {
    return get(this, 'static tasks: { name: weight } 2');
  }
}

// ---- nested task sets
class Browse extends TaskSet {
  @task() look() {
    return get(this, 'TaskSet task');
  }
  @task() leave() {
    this.interrupt();
  }
}
class Checkout extends SequentialTaskSet {
  waitTime = constant(0.01);
  @task() cart() {
    return get(this, 'SequentialTaskSet 1');
  }
  @task() pay() {
    return get(this, 'SequentialTaskSet 2');
  }
  @task() done() {
    this.interrupt({ reschedule: false });
  }
}
export class Nested extends HttpUser {
  waitTime = constantThroughput(50);
  static tasks = [Browse, [Checkout, 2]];
}

// ---- Markov chains: every @transition / @transitions form
class Chain extends MarkovTaskSet {
  @transition('browse') index() {
    return get(this, 'markov @transition(name)');
  }
  @transition('cart', 2) @transition('index') browse() {
    return get(this, 'markov @transition(name, weight)');
  }
  @transitions({ checkout: 1, browse: 2 }) cart() {
    return get(this, 'markov @transitions({ name: weight })');
  }
  @transitions(['index', ['browse', 2]]) checkout() {
    return get(this, 'markov @transitions([name, [name, weight]])');
  }
}
export class Markov extends HttpUser {
  waitTime = constant(0.01);
  static tasks = [Chain];
}

// ---- custom wait times
export class WaitMethod extends HttpUser {
  private waits = 0;
  // Locust's `def wait_time(self)`: a method, with the user as `this`
  waitTime() {
    this.waits += 1;
    return 0.01;
  }
  @task() t() {
    return get(this, `custom waitTime() method${this.waits > 0 ? '' : ' (before any wait)'}`);
  }
}

export class WaitFunction extends HttpUser {
  static waitTime = (user: WaitFunction) => (user instanceof WaitFunction ? 0.01 : 1);
  @task() t() {
    return get(this, 'custom static waitTime function');
  }
}
