// A straight port of Locust 2.12.1's examples/semaphore_wait.py (beside it): gevent's Semaphore,
// acquired at load and released when spawning completes, is a promise resolved then.
import { HttpUser, TaskSet, between, events, task } from 'locust-ts';

let release!: () => void;
const allUsersSpawned = new Promise<void>((resolve) => (release = resolve));

events.init.addListener(({ environment }) => {
  environment.events.spawningComplete.addListener(() => {
    release();
  });
});

class UserTasks extends TaskSet {
  override async onStart() {
    await allUsersSpawned;
    await this.wait();
  }

  @task()
  async index() {
    await this.client.get('/');
  }
}

export class WebsiteUser extends HttpUser {
  host = 'http://127.0.0.1:8089';
  waitTime = between(2, 5);
  static tasks = [UserTasks];
}
