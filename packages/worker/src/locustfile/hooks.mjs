// Node module hooks for locustfiles: off-thread (module.register, Node 20: its hooks thread, where
// the workspace's TypeScript loader may be missing, so plain JavaScript) or in-thread
// (module.registerHooks, Node >= 22.15); api-link.ts installs them.
//
// - `locust-ts` / `@locust-ts/worker`, imported from anywhere (the locustfile, a sibling, a
//   package beside it), resolve to the running worker's own API (api-link.ts), so a
//   locustfile's classes are the very ones the runner knows.
// - The locustfile — imported with ENTRY_QUERY — and every module it reaches by path (siblings,
//   not packages in node_modules) are compiled by compile.mjs to ES modules with inline source
//   maps, and keep their own file: URL: stack frames, `import.meta.url` and the resolution of
//   their imports are those of the file on disk, wherever it lives. `.cjs` files are left to
//   Node's CommonJS loader, JSON and packages to Node.
// - A sibling import spelled the TypeScript way (`./util.js` for util.ts, or `./util`) finds
//   the TypeScript file, as tsc and tsx do.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModule, compileModuleSync } from './compile.mjs';

/** The query load.ts puts on a locustfile's URL; stripped here, never seen by the module. */
const ENTRY_QUERY = 'locust-ts-locustfile';
const COMPILED_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.jsx']);
const TYPESCRIPT_SPELLINGS = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
  '.jsx': ['.tsx'],
  '': ['.ts', '.mts', '.tsx', '.js', '.mjs', '.cjs', '/index.ts', '/index.mts', '/index.js', '/index.mjs'],
};

/** The API module's URL for `import` (its source comes from api-link.ts); `require` gets a file. */
const API_URL = 'locust-ts:api';
let apiSpecifiers = new Set();
let apiSource = '';
let apiRequireUrl = '';
/** file: URLs of the locustfiles' own modules: these are compiled. */
const locustfileModules = new Set();

export function initialize(data) {
  apiSpecifiers = new Set(data.apiSpecifiers);
  apiSource = data.apiSource;
  apiRequireUrl = data.apiRequireUrl;
}

function isFile(url) {
  try {
    return statSync(fileURLToPath(url)).isFile();
  } catch {
    return false;
  }
}

function adopt(url) {
  if (url.startsWith('file:') && !url.includes('/node_modules/') && COMPILED_EXTENSIONS.has(extname(new URL(url).pathname))) {
    locustfileModules.add(url);
  }
}

/** `./util.js` → util.ts, `./util` → util.ts (…), or null. */
function typescriptSpelling(specifier, parentURL) {
  if (!/^(\.{1,2}\/|\/|file:)/.test(specifier)) return null;
  const ext = extname(specifier.replace(/[?#].*$/, ''));
  const spellings = TYPESCRIPT_SPELLINGS[ext] ?? TYPESCRIPT_SPELLINGS[''];
  const base = ext in TYPESCRIPT_SPELLINGS && ext !== '' ? specifier.slice(0, -ext.length) : specifier;
  for (const spelling of spellings) {
    const url = new URL(base + spelling, parentURL).href;
    if (isFile(url)) return url;
  }
  return null;
}

/** `fn()`'s value (or its promise's) passed to `onValue`, its throw (or rejection) to `onError`. */
function attempt(fn, onValue, onError) {
  let value;
  try {
    value = fn();
  } catch (err) {
    return onError(err);
  }
  return value instanceof Promise ? value.then(onValue, onError) : onValue(value);
}

/** The resolve hook; `nextResolve` returns a value (in-thread hooks) or a promise (off-thread). */
function resolveHook(specifier, context, nextResolve) {
  if (apiSpecifiers.has(specifier)) {
    // in-thread hooks also see require() (Node >= 22.15): that gets the CommonJS shim
    const required = context.conditions?.includes('require') && !context.conditions.includes('import');
    return { url: required ? apiRequireUrl : API_URL, shortCircuit: true };
  }
  if (specifier.startsWith('file:') && specifier.includes(ENTRY_QUERY)) {
    const url = new URL(specifier);
    url.search = '';
    adopt(url.href);
    return { url: url.href, shortCircuit: true };
  }
  const parent = context.parentURL;
  if (!parent || !locustfileModules.has(parent)) return nextResolve(specifier, context);
  const spelledTheTypeScriptWay = (err) => {
    const url = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'ERR_UNSUPPORTED_DIR_IMPORT' ? typescriptSpelling(specifier, parent) : null;
    if (!url) throw err;
    adopt(url);
    return { url, shortCircuit: true };
  };
  return attempt(
    () => nextResolve(specifier, context),
    (resolved) => {
      if (resolved.url.startsWith('file:') && !isFile(resolved.url)) {
        const url = typescriptSpelling(specifier, parent);
        if (url) {
          adopt(url);
          return { url, shortCircuit: true };
        }
      }
      adopt(resolved.url);
      return resolved;
    },
    spelledTheTypeScriptWay,
  );
}

function loadHook(url, context, nextLoad, compile) {
  if (url === API_URL) return { format: 'module', source: apiSource, shortCircuit: true };
  if (!locustfileModules.has(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  return attempt(
    () => compile(path, readFileSync(path, 'utf8')),
    (source) => ({ format: 'module', source, shortCircuit: true }),
    (err) => {
      throw err;
    },
  );
}

// Off-thread hooks (module.register, Node 20): promises throughout.
export async function resolve(specifier, context, nextResolve) {
  return resolveHook(specifier, context, nextResolve);
}

export async function load(url, context, nextLoad) {
  return loadHook(url, context, nextLoad, compileModule);
}

/**
 * In-thread hooks (module.registerHooks, Node >= 22.15): registered after the workspace's
 * TypeScript loader (which uses them too), they run before it, so the locustfile is ours.
 */
export function resolveSync(specifier, context, nextResolve) {
  return resolveHook(specifier, context, nextResolve);
}

export function loadSync(url, context, nextLoad) {
  return loadHook(url, context, nextLoad, compileModuleSync);
}
