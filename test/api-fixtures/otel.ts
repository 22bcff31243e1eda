// --otel: each iteration an unnamed request, a named one the target fails (500), one that a
// catchResponse block fails, one to a closed port (OTEL_TEST_REFUSED_URL), and a custom
// (non-HTTP) request fired through events.request.
import { HttpUser, constant, events, task } from 'locust-ts';

export const USER_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

export class OtelUser extends HttpUser {
  waitTime = constant(0.05);

  @task()
  async visit() {
    await this.client.get('/hello?u=1');
    await this.client.get('/hello?error_ratio=1', { name: 'failing' });
    // a traceparent of the locustfile's own: --otel's replaces it
    const checked = await this.client.get('/hello', { name: 'checked', catchResponse: true, headers: { TraceParent: USER_TRACEPARENT } });
    checked.failure('body was not what we wanted');
    await this.client.get(process.env.OTEL_TEST_REFUSED_URL!, { name: 'refused' });
    events.request.fire({ requestType: 'CUSTOM', name: 'custom', responseTime: 2, responseLength: 0 });
  }
}
