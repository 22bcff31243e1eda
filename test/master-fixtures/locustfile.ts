/** The TS twin of the Python `SimpleUser` used by the master tests: GET /hello every 0.2 s. */
import { HttpUser, constant } from 'locust-ts';

export class SimpleUser extends HttpUser {
  waitTime = constant(0.2);
  static tasks = { hello: 1 };
  async hello(): Promise<void> {
    await this.client.get('/hello');
  }
}
