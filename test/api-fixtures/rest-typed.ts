// The typing examples of docs/porting.md ("HTTP clients"), compiled under `strict` by
// `pnpm typecheck`: untyped `js`/`json()` read like Python's dict, typed ones check fields.
import assert from 'node:assert';
import { FastHttpUser, type Json, type RestResponse, task } from 'locust-ts';

interface Order {
  id: number | null;
  status: 'ok' | 'rejected';
}

export class TypedRestUser extends FastHttpUser {
  @task()
  async order() {
    await this.rest('POST', '/api/orders', { json: { sku: 1 } }, (resp) => {
      assert(resp.js?.status === 'ok', 'order not placed');
      if (resp.js?.id === null) resp.failure('no id');
    });
    const untyped = await this.rest('GET', '/api/orders/1');
    if (untyped.js?.error) untyped.failure(String(untyped.js.error));
    const typed: RestResponse<Order> = await this.rest<Order>('GET', '/order/1', {}, async (resp) => {
      const status: 'ok' | 'rejected' | undefined = resp.js?.status;
      assert(status === 'ok', 'rejected,');
    });
    const order: Order = typed.json<Order>();
    const anything: Json = (await this.client.get('/health')).json();
    return [order.id, anything?.uptime];
  }
}
