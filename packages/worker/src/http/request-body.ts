/**
 * The parts of requests' `Session.request` that cost something, used only when a request asks
 * for them: `auth` (basic), `data` (form fields), `files` (multipart, encoded by undici's own
 * FormData), and the per-user cookie jar (tough-cookie, created at the first Set-Cookie).
 */
import { readFileSync } from 'node:fs';
import { CookieJar } from 'tough-cookie';
import { FormData, Response } from 'undici';

/** `[user, password]`, as requests' `auth=(user, password)`. */
export type BasicAuth = readonly [string, string];

/** A file for `files`: its content, or `[filename, content, contentType?]` as requests takes it. */
export type FileField = string | Buffer | Uint8Array | readonly [filename: string, content: string | Buffer | Uint8Array, contentType?: string];

export function basicAuthHeader(auth: BasicAuth): string {
  return `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
}

/** `data` as requests encodes a dict: `application/x-www-form-urlencoded` (lists repeat the key). */
export function formBody(data: Readonly<Record<string, string | number | boolean | ReadonlyArray<string | number>>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(data)) {
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.append(k, String(v));
  }
  return q.toString();
}

/** `files` (plus `data` fields) as `multipart/form-data`: the body bytes and their content type. */
export async function multipartBody(
  files: Readonly<Record<string, FileField>>,
  data: Readonly<Record<string, unknown>> | undefined,
): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(data ?? {})) form.append(k, String(v));
  for (const [field, file] of Object.entries(files)) {
    const [filename, content, type] = Array.isArray(file) ? (file as [string, string | Uint8Array, string?]) : [field, file as string | Uint8Array, undefined];
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    form.append(field, new Blob([new Uint8Array(bytes)], type ? { type } : {}), filename);
  }
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

/** TLS settings of a session (requests' `verify` and `cert`). */
export interface TlsSettings {
  /** false: accept any certificate; a path: trust that CA bundle (PEM) */
  verify?: boolean | string;
  /** client certificate: a PEM path holding both, or `[certPath, keyPath]` */
  cert?: string | readonly [string, string];
}

/** undici `connect` options for these settings, or null for the defaults (the shared pools). */
export function tlsConnectOptions(tls: TlsSettings): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (tls.verify === false) out.rejectUnauthorized = false;
  else if (typeof tls.verify === 'string') out.ca = readFileSync(tls.verify);
  if (typeof tls.cert === 'string') {
    const pem = readFileSync(tls.cert);
    out.cert = pem;
    out.key = pem;
  } else if (tls.cert) {
    out.cert = readFileSync(tls.cert[0]);
    out.key = readFileSync(tls.cert[1]);
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** A user's cookies, like `requests.Session.cookies`; exists once a response set one (or code asked). */
export class SessionCookies {
  readonly jar = new CookieJar();

  /** Store a response's Set-Cookie headers (the URL decides domain and path defaults). */
  store(url: string, setCookies: readonly string[]): void {
    for (const c of setCookies) {
      try {
        this.jar.setCookieSync(c, url, { ignoreError: true });
      } catch {
        // a malformed cookie is dropped, as requests does
      }
    }
  }

  /** The Cookie header for `url`, or '' */
  header(url: string): string {
    return this.jar.getCookieStringSync(url);
  }

  /** Set a cookie by hand: `this.client.cookies.set('session', 'abc', 'http://host/')`. */
  set(name: string, value: string, url: string): void {
    this.jar.setCookieSync(`${name}=${value}`, url);
  }

  /** name → value of the cookies that `url` would get. */
  get(url: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.jar.getCookiesSync(url)) out[c.key] = c.value;
    return out;
  }

  clear(): void {
    this.jar.removeAllCookiesSync();
  }
}
