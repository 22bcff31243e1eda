/** `--web-auth user:pass`: HTTP basic auth in front of every route (spec §8). */
import { timingSafeEqual } from 'node:crypto';
import { WebAuthFormatError } from '@locust-ts/protocol';
import type { FastifyInstance } from 'fastify';

export const AUTH_REALM = 'Locust';

export { WebAuthFormatError };

/** Splits `user:pass` the way Locust does: exactly one colon. */
export function parseWebAuth(auth: string): { user: string; password: string } {
  const parts = auth.split(':');
  if (parts.length !== 2) throw new WebAuthFormatError();
  return { user: parts[0], password: parts[1] };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Adds an onRequest hook to `app` (the root instance, so it covers every plugin and route). */
export function installBasicAuth(app: FastifyInstance, auth: string): void {
  const { user, password } = parseWebAuth(auth);
  const expected = `${user}:${password}`;
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Basic\s+(\S+)$/i.exec(header);
    const given = match ? Buffer.from(match[1], 'base64').toString('utf8') : null;
    if (given !== null && sameText(given, expected)) return;
    await reply
      .code(401)
      .header('WWW-Authenticate', `Basic realm="${AUTH_REALM}"`)
      .type('text/plain; charset=utf-8')
      .send('Unauthorized');
  });
}
