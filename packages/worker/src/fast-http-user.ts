/**
 * `FastHttpUser`, the name Locust users know for the fast client. locust-ts has one HTTP client
 * and it is the fast one, so this is an HttpUser plus Locust's `rest()` helper for JSON APIs:
 *
 *   const resp = await this.rest('POST', '/api/items', { json: { name: 'x' } });
 *   if (resp.js?.id === undefined) resp.failure("no 'id' in the answer");
 */
import type { RequestOptions } from './http/session.js';
import type { HttpResponse } from './http/response.js';
import { HttpUser, registerBaseClass } from './user.js';

/** FastHttpSession.rest's limit on the body shown in its failure text. */
const SHOWN_BODY_CHARS = 250;

export class FastHttpUser extends HttpUser {
  /**
   * A JSON request with `catchResponse` (Locust's `rest()`): JSON content type and accept headers,
   * and a failure when the body is not JSON; decide more with `success()`/`failure()`.
   */
  async rest(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    const resp = await this.client.request(method, url, { ...options, headers, catchResponse: true });
    if (resp.error === null && resp.text !== '' && resp.js === null) {
      resp.failure(`Could not parse response as JSON. ${resp.text.slice(0, SHOWN_BODY_CHARS)}, response code ${resp.status}`);
    }
    return resp;
  }
}

registerBaseClass(FastHttpUser);
