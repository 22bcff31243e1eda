// A straight port of Locust 2.12.1's examples/multiple_hosts.py (beside it).
import { HttpSession, HttpUser, TaskSet, type UserEnvironment, between, task } from 'locust-ts';

abstract class MultipleHostsUser extends HttpUser {
  static abstract = true;
  apiClient: HttpSession;

  constructor(environment: UserEnvironment) {
    super(environment);
    this.apiClient = new HttpSession(environment.http, process.env.API_HOST!);
    this.apiClient.user = this;
  }
}

class UserTasks extends TaskSet {
  // but it might be convenient to use the @task decorator
  @task()
  async index() {
    await (this.user as MultipleHostsUser).client.get('/');
  }

  @task()
  async indexOtherHost() {
    await (this.user as MultipleHostsUser).apiClient.get('/stats/requests');
  }
}

/** User class that does requests to the locust web server running on localhost */
export class WebsiteUser extends MultipleHostsUser {
  host = 'http://127.0.0.1:8089';
  waitTime = between(2, 5);
  static tasks = [UserTasks];
}
