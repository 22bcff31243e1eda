/**
 * `--web-login` (the newest Locust's login page; `--web-auth` stays for 2.12-era users): every
 * route but the login page, its form's callback and the UI assets needs a session; without one a
 * request is sent to `/login`. The page is Locust's Auth page (packages/webui auth.html) with
 * `window.authArgs`; whether a login succeeds is the locustfile's `webUi.authenticate` (where a
 * Locust locustfile calls flask-login's `login_user` in its own callback route). The session is a
 * cookie signed with a key made at start-up, so a restarted master asks again.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import type { WebUi } from '@locust-ts/protocol';
import type { FastifyInstance } from 'fastify';
import { inlineScriptJson } from './template-args.js';

const SESSION_COOKIE = 'locust_ts_session';
const DEFAULT_CALLBACK = '/login_submit';
const INVALID_LOGIN = 'Invalid username or password';
const NO_AUTHENTICATE = '--web-login is on but the locustfile sets no webUi.authenticate in an init listener: nobody can log in';

export interface WebLoginOptions {
  webUi: WebUi;
  /** `--web-base-path` ('' or `/locust`) */
  prefix: string;
  distDir: string;
  log: (line: string) => void;
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Adds the login hook to `app` (the root instance, so it covers every plugin) and the two login routes. */
export async function installWebLogin(app: FastifyInstance, { webUi, prefix, distDir, log }: WebLoginOptions): Promise<void> {
  const key = randomBytes(32);
  const signature = (user: string) => createHmac('sha256', key).update(user).digest();
  const sessionUser = (header: string | undefined): string | null => {
    const [user, sig] = (cookieValue(header, SESSION_COOKIE) ?? '').split('.');
    if (!user || !sig) return null;
    const given = Buffer.from(sig, 'base64url');
    const expected = signature(user);
    return given.length === expected.length && timingSafeEqual(given, expected) ? Buffer.from(user, 'base64url').toString() : null;
  };
  const loginPath = `${prefix}/login`;
  const callbackPath = () => webUi.authArgs.usernamePasswordCallback ?? `${prefix}${DEFAULT_CALLBACK}`;
  const page = await readFile(join(distDir, 'auth.html'), 'utf8');
  if (!webUi.authenticate) log(`WARNING: ${NO_AUTHENTICATE}`);

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path === loginPath || path === callbackPath() || path.startsWith(`${prefix}/assets/`)) return;
    if (sessionUser(req.headers.cookie) !== null) return;
    await reply.redirect(loginPath);
  });

  await app.register(async (scope) => {
    await scope.register(formbody);
    scope.get<{ Querystring: { failed?: string } }>(loginPath, async (req, reply) => {
      const args = webUi.authArgs;
      const authArgs = {
        username_password_callback: callbackPath(),
        ...(args.info ? { info: args.info } : {}),
        ...(args.authProviders ? { auth_providers: args.authProviders.map((p) => ({ label: p.label, icon_url: p.iconUrl, callback_url: p.callbackUrl })) } : {}),
        error: !webUi.authenticate ? NO_AUTHENTICATE : req.query.failed ? INVALID_LOGIN : (args.error ?? null),
      };
      const script = `<script>window.authArgs = ${inlineScriptJson(authArgs)};</script>`;
      const html = page.replace('<!--locust-ts:auth-args-->', () => script).replace('<title>Locust</title>', () => `<title>${escapeHtml(args.title ?? 'Locust')}</title>`);
      return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(html);
    });
    scope.post<{ Body: Record<string, string> | undefined }>(callbackPath(), async (req, reply) => {
      const form = req.body ?? {};
      const attempt = { username: String(form.username ?? ''), password: String(form.password ?? ''), form };
      const ok = webUi.authenticate ? await webUi.authenticate(attempt) : false;
      if (!ok) return reply.redirect(`${loginPath}?failed=1`);
      const user = Buffer.from(attempt.username).toString('base64url');
      const cookie = `${SESSION_COOKIE}=${user}.${signature(user).toString('base64url')}; Path=${prefix || '/'}; HttpOnly; SameSite=Lax`;
      return reply.header('Set-Cookie', cookie).redirect(`${prefix}/`);
    });
  });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
