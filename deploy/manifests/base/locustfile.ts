// The original locustfile, in TypeScript: one user class calling GET /hello, waiting 1–2 s.
import { HttpUser, between, task } from 'locust-ts';

export class SimpleUser extends HttpUser {
  waitTime = between(1, 2);

  @task()
  async hello() {
    await this.client.get('/hello');
  }
}
