/**
 * How a locustfile's `import ... from 'locust-ts'` reaches this worker's API — the one place
 * that knows the name (a packaged install adapts it here). The running API module is published
 * on a global; an ES module shim and a CommonJS shim (api-shim.cjs) re-export it, so the classes
 * a locustfile extends are the very ones the runner checks, whatever copy of the package sits
 * beside the locustfile. The same hooks (hooks.mjs) compile the locustfile and its siblings.
 */
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as api from '../api.js';

/** The names a locustfile imports the API by. */
export const API_SPECIFIERS: readonly string[] = ['locust-ts', '@locust-ts/worker'];
const API_GLOBAL = Symbol.for('locust-ts.api');

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

let installed = false;

/** Install the hooks once per process: `locust-ts` resolution and the locustfile compiler. */
export function installLocustfileHooks(): void {
  if (installed) return;
  installed = true;
  (globalThis as Record<symbol, unknown>)[API_GLOBAL] = api;
  // Source maps on before any locustfile is compiled: stacks then name its own file:line:column.
  process.setSourceMapsEnabled(true);
  const source =
    `const api = globalThis[Symbol.for('locust-ts.api')];\n` + Object.keys(api).map((n) => `export const ${n} = api.${n};`).join('\n');
  // a data: URL only ever appears as a module URL, which no frame shows (nothing in it throws)
  const apiUrl = `data:text/javascript,${encodeURIComponent(source)}`;
  register(new URL('./hooks.mjs', import.meta.url), { data: { apiSpecifiers: API_SPECIFIERS, apiUrl } });
  // require('locust-ts') from a .cjs locustfile or a CommonJS package beside it
  const cjsShim = fileURLToPath(new URL('./api-shim.cjs', import.meta.url));
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const previous = loader._resolveFilename;
  loader._resolveFilename = function resolveLocustApi(this: unknown, request: string, ...rest: unknown[]): string {
    return API_SPECIFIERS.includes(request) ? cjsShim : previous.call(this, request, ...rest);
  };
}
