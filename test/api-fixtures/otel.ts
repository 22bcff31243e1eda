// --otel: an unnamed request, a named one that fails (500 from the target), and a custom
// (non-HTTP) request fired through events.request, each iteration.
import { HttpUser, constant, events, task } from 'locust-ts';

export class OtelUser extends HttpUser {
  waitTime = constant(0.05);

  @task()
  async visit() {
    await this.client.get('/hello?u=1');
    await this.client.get('/hello?error_ratio=1', { name: 'failing' });
    events.request.fire({ requestType: 'CUSTOM', name: 'custom', responseTime: 2, responseLength: 0 });
  }
}
