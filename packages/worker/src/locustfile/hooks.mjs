// Node module hooks for locustfiles (they run in Node's hooks thread, so plain JavaScript).
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
import { compileModule } from './compile.mjs';

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

let apiSpecifiers = new Set();
let apiUrl = '';
/** file: URLs of the locustfiles' own modules: these are compiled. */
const locustfileModules = new Set();

export function initialize(data) {
  apiSpecifiers = new Set(data.apiSpecifiers);
  apiUrl = data.apiUrl;
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

export async function resolve(specifier, context, nextResolve) {
  if (apiSpecifiers.has(specifier)) return { url: apiUrl, shortCircuit: true };
  if (specifier.startsWith('file:') && specifier.includes(ENTRY_QUERY)) {
    const url = new URL(specifier);
    url.search = '';
    adopt(url.href);
    return { url: url.href, shortCircuit: true };
  }
  const parent = context.parentURL;
  if (!parent || !locustfileModules.has(parent)) return nextResolve(specifier, context);
  let resolved;
  try {
    resolved = await nextResolve(specifier, context);
    if (resolved.url.startsWith('file:') && !isFile(resolved.url)) throw Object.assign(new Error('not a file'), { code: 'ERR_MODULE_NOT_FOUND' });
  } catch (err) {
    const url = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'ERR_UNSUPPORTED_DIR_IMPORT' ? typescriptSpelling(specifier, parent) : null;
    if (!url) throw err;
    resolved = { url, shortCircuit: true };
  }
  adopt(resolved.url);
  return resolved;
}

export async function load(url, context, nextLoad) {
  if (!locustfileModules.has(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await compileModule(path, readFileSync(path, 'utf8'));
  return { format: 'module', source, shortCircuit: true };
}
