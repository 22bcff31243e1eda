// A straight port of Locust 2.12.1's examples/basic.py (basic.py beside it).
import { HttpUser, TaskSet, between, task } from 'locust-ts';

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
  waitTime = between(2, 5);
  static tasks = [UserTasks];
}
