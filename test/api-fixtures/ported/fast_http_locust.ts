// A straight port of Locust 2.12.1's examples/fast_http_locust.py (beside it).
import { FastHttpUser, task } from 'locust-ts';

/** User class that does requests to the locust web server running on localhost, using the fast HTTP client */
export class WebsiteUser extends FastHttpUser {
  host = 'http://127.0.0.1:8089';
  // some things you can configure on FastHttpUser
  // connection_timeout = 60.0
  // insecure = True
  // max_redirects = 5
  // max_retries = 1
  // network_timeout = 60.0

  @task()
  async index() {
    await this.client.get('/');
  }

  @task()
  async stats() {
    await this.client.get('/stats/requests');
  }
}
