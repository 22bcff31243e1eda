/**
 * How a locustfile's `import ... from 'locust-ts'` reaches this worker's API — the one place
 * that knows the name (a packaged install adapts it here). The running API module is published
 * on a global; an ES module (`locust-ts:api`, served by hooks.mjs) and a CommonJS shim
 * (api-shim.cjs) re-export it, so the classes
 * a locustfile extends are the very ones the runner checks, whatever copy of the package sits
 * beside the locustfile. The same hooks (hooks.mjs) compile the locustfile and its siblings.
 */
import Module, { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as api from '../api.js';
import * as hooks from './hooks.mjs';

/** The names a locustfile imports the API by. */
export const API_SPECIFIERS: readonly string[] = ['locust-ts', '@locust-ts/worker'];
const API_GLOBAL = Symbol.for('locust-ts.api');

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
/** Node >= 22.15's in-thread hooks (not in @types/node 20). */
type RegisterHooks = (chain: { resolve: typeof hooks.resolveSync; load: typeof hooks.loadSync }) => unknown;

let installed = false;

/** Install the hooks once per process: `locust-ts` resolution and the locustfile compiler. */
export function installLocustfileHooks(): void {
  if (installed) return;
  installed = true;
  (globalThis as Record<symbol, unknown>)[API_GLOBAL] = api;
  // Source maps on before any locustfile is compiled: stacks then name its own file:line:column.
  process.setSourceMapsEnabled(true);
  const apiSource =
    `const api = globalThis[Symbol.for('locust-ts.api')];\n` + Object.keys(api).map((n) => `export const ${n} = api.${n};`).join('\n');
  const cjsShim = fileURLToPath(new URL('./api-shim.cjs', import.meta.url));
  const data: hooks.HooksData = { apiSpecifiers: API_SPECIFIERS, apiSource, apiRequireUrl: pathToFileURL(cjsShim).href };
  // In-thread hooks where Node has them: the workspace's TypeScript loader (tsx) registers its own
  // there, and those run before any off-thread hook; ours, registered later, run before tsx's.
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks === 'function') {
    hooks.initialize(data);
    registerHooks({ resolve: hooks.resolveSync, load: hooks.loadSync });
  } else {
    register(new URL('./hooks.mjs', import.meta.url), { data });
  }
  // require('locust-ts') from a .cjs locustfile or a CommonJS package beside it (Node 20)
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const previous = loader._resolveFilename;
  loader._resolveFilename = function resolveLocustApi(this: unknown, request: string, ...rest: unknown[]): string {
    return API_SPECIFIERS.includes(request) ? cjsShim : previous.call(this, request, ...rest);
  };
}
