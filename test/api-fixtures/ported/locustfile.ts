// A straight port of Locust 2.12.1's examples/locustfile.py (beside it).
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpUser, between, task } from 'locust-ts';

export class QuickstartUser extends HttpUser {
  waitTime = between(1, 2);

  @task()
  async helloWorld() {
    await this.client.get('/hello');
    await this.client.get('/world');
  }

  @task(3)
  async viewItem() {
    for (let itemId = 0; itemId < 10; itemId++) {
      await this.client.get(`/item?id=${itemId}`, { name: '/item' });
      await sleep(1000);
    }
  }

  override async onStart() {
    await this.client.post('/login', { json: { username: 'foo', password: 'bar' } });
  }
}
