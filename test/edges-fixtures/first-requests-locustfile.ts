// The users of the first-request test (edges-first-requests.test.ts): every user tags its
// requests with its worker's index and its own id, so the target's access log shows when each
// worker's users' first requests arrived (`w=<index>&u=<id>`).
import { randomUUID } from 'node:crypto';
import { HttpUser, constant } from 'locust-ts';

export class EdgeUser extends HttpUser {
  waitTime = constant(0.2);
  static tasks = { hello: 1 };
  private readonly uid = randomUUID().slice(0, 8);

  async hello(): Promise<void> {
    const worker = this.environment.runner?.workerIndex ?? -1;
    await this.client.get(`/hello?w=${worker}&u=${this.uid}`, { name: '/hello' });
  }
}
