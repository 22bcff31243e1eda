// The same failures as test/api-fixtures/http_texts.py, from locust-ts's FastHttpUser (with
// rest(), Python's `with self.rest(...) as resp:` block as a callback) and HttpUser. Each user
// makes one pass and stops; Idle users stop at once.
import assert from 'node:assert';
import { FastHttpUser, HttpUser, User, task } from 'locust-ts';

const other = () => (process.env.OTHER_HOST ?? '').replace(/\/$/, '');

export class FastTexts extends FastHttpUser {
  @task()
  async once() {
    await this.client.get('/checkout/confirm');
    await this.client.get('/missing');
    await this.client.get('/missing', { name: 'named' });
    await this.client.get(`${other()}/missing`);
    await this.client.get(`${other()}/ok`);
    const locked = await this.client.get('/ok', { catchResponse: true });
    locked.failure('account locked');
    await this.client.get('http://127.0.0.1:1/refused');
    await this.client.get('/ok?a=1');
    // rest(): a body that is not JSON, no response, checks that fail, a status failure
    await this.rest('GET', '/missing', {}, () => {});
    await this.rest('GET', '/text', {}, () => {});
    await this.rest('GET', 'http://127.0.0.1:1/rest', {}, () => {});
    await this.rest('POST', '/json', { json: { name: 'x' } }, (resp) => {
      assert(resp.js?.id === 8, 'wrong id');
    });
    await this.rest('GET', '/json?comma', {}, (resp) => {
      assert(resp.js?.id === 8, 'wrong id,');
    });
    await this.rest('GET', '/json?bare', {}, (resp) => {
      assert(resp.js?.error);
    });
    await this.rest('GET', '/bad', {}, () => {});
    await this.rest('GET', '/missing?accepted', {}, (resp) => resp.success());
    await this.rest('GET', '/json?throws', {}, (resp) => resp.js.nope.x);
    await this.rest('GET', '/json?twice', {}, (resp) => {
      resp.failure('first');
      resp.failure('second');
    });
    await this.rest('GET', '/json?overridden', {}, async (resp) => {
      resp.failure('first');
      assert(resp.js?.id === 8, 'thrown');
    });
    await this.rest('POST', '/vnd', { json: { a: 1 }, headers: { 'Content-Type': 'application/vnd.api+json' } }, () => {});
    await this.client.post('/vnd?plain', { json: { a: 1 } });
    await this.client.get('/ok?after');
    this.stop();
  }
}

export class Idle extends User {
  // a third class: a swarm of 6 users on 2 workers then gives each worker one user of each class
  @task()
  idle() {
    this.stop();
  }
}

export class HttpTexts extends HttpUser {
  @task()
  async once() {
    await this.client.get('/checkout/confirm');
    await this.client.get('/missing');
    await this.client.get('/missing', { name: 'named' });
    await this.client.get(`${other()}/missing`);
    await this.client.get(`${other()}/ok`);
    const locked = await this.client.get('/ok', { catchResponse: true });
    locked.failure('account locked');
    await this.client.get('http://127.0.0.1:1/refused');
    this.stop();
  }
}
