// A straight port of Locust 2.12.1's examples/custom_wait_function.py (beside it).
import { HttpUser, TaskSet, task } from 'locust-ts';

/** Python's random.expovariate(lambd). */
const expovariate = (lambd: number) => -Math.log(1 - Math.random()) / lambd;

function index(l: TaskSet) {
  return l.client.get('/');
}

function stats(l: TaskSet) {
  return l.client.get('/stats/requests');
}

class UserTasks extends TaskSet {
  // one can specify tasks like this
  static tasks = [index, stats];

  // but it might be convenient to use the @task decorator
  @task()
  async page404() {
    await this.client.get('/does_not_exist');
  }
}

/** User class that does requests to the locust web server running on localhost */
export class WebsiteUser extends HttpUser {
  host = 'http://127.0.0.1:8089';
  // Most task inter-arrival times approximate to exponential distributions
  // We will model this wait time as exponentially distributed with a mean of 1 second
  waitTime = () => expovariate(1);
  static tasks = [UserTasks];
}

/** Returns an exponentially distributed time strictly between two bounds. */
function strictExp(minWait: number, maxWait: number, mu = 1): number {
  for (;;) {
    const x = expovariate(mu);
    const increment = (maxWait - minWait) / (mu * 6.0);
    const result = minWait + x * increment;
    if (result < maxWait) return result;
  }
}

/** User class that makes exponential requests but strictly between two bounds. */
export class StrictWebsiteUser extends HttpUser {
  host = 'http://127.0.0.1:8089';
  waitTime = () => strictExp(3, 7);
  static tasks = [UserTasks];
}
