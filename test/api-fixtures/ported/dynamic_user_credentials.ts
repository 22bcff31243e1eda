// A straight port of Locust 2.12.1's examples/dynamic_user_credentials.py (beside it).
import { HttpUser, TaskSet, between, task } from 'locust-ts';

const USER_CREDENTIALS: Array<[string, string]> = [
  ['user1', 'password'],
  ['user2', 'password'],
  ['user3', 'password'],
];

class UserBehaviour extends TaskSet {
  override async onStart() {
    if (USER_CREDENTIALS.length > 0) {
      const [user, passw] = USER_CREDENTIALS.pop()!;
      await this.client.post('/login', { data: { username: user, password: passw } });
    }
  }

  @task()
  async someTask() {
    // user should be logged in here (unless the USER_CREDENTIALS ran out)
    await this.client.get('/protected/resource');
  }
}

export class User extends HttpUser {
  static tasks = [UserBehaviour];
  waitTime = between(5, 60);
}
