// A straight port of Locust 2.12.1's examples/nested_inline_tasksets.py (beside it). TypeScript
// has no decorator for a class nested in a class body: the inner task sets are declared first and
// listed in `static tasks` beside the decorated methods.
import { HttpUser, TaskSet, between, task } from 'locust-ts';

class IndexTaskSet extends TaskSet {
  @task(10)
  async index() {
    await this.client.get('/');
  }

  @task(1)
  stop() {
    this.interrupt();
  }
}

class TopLevelTaskSet extends TaskSet {
  static tasks = [IndexTaskSet];

  @task()
  async stats() {
    await this.client.get('/stats/requests');
  }
}

/** Example of the ability of inline nested TaskSet classes */
export class WebsiteUser extends HttpUser {
  host = 'http://127.0.0.1:8089';
  waitTime = between(2, 5);
  static tasks = [TopLevelTaskSet];
}
