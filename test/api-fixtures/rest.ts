// FastHttpUser.rest() against a JSON endpoint and one that answers text (Locust's rest() fails it).
import { FastHttpUser, constant, task } from 'locust-ts';

export class RestUser extends FastHttpUser {
  waitTime = constant(0.1);

  @task()
  async api() {
    const resp = await this.rest('POST', '/json', { json: { name: 'x' } });
    if ((resp.js as { id?: number } | null)?.id !== 7) resp.failure("no 'id' in the answer");
    await this.rest('GET', '/text');
  }
}
