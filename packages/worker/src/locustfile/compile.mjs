// Compiling a locustfile module (.ts, .mts, .cts, .js, .mjs) to one ES module with an inline
// source map, through esbuild, and keeping the result in a disk cache: a second run, a second
// process (the master and each worker load the same file) or a restarted pod with the same
// source reads the cached JavaScript and never starts esbuild. Plain JavaScript: it runs in
// Node's module-hooks thread, where the workspace's TypeScript loader may not be registered.
//
// Always an ES module, whatever package.json says: top-level await works in a .ts file with
// no package.json beside it. A CommonJS-style file (module.exports, require) is wrapped by
// esbuild and gets `require`, `__filename` and `__dirname` of its own location.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';

/** Bump when the compiled form changes: older cache entries are then never read. */
const CACHE_FORMAT = 'locust-ts-locustfile-1';
/** Entries kept in the cache folder; beyond it the oldest half goes. */
const CACHE_LIMIT = 400;
/**
 * Fixed compiler options, not the nearest tsconfig: the API's `@task()` are standard
 * decorators (a project's `experimentalDecorators` would break them), and imports used only as
 * types are dropped, so `import { Environment } from 'locust-ts'` needs no `import type`.
 */
const TSCONFIG = { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } };
// this Node's own version: esbuild then keeps what it can run (import attributes need 20.10)
const TARGET = `node${process.versions.node}`;
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.jsx': 'jsx' };
// Prepended to line 1 (no newline: the source map's lines stay right) of a wrapped CommonJS file.
const COMMONJS_PRELUDE =
  'import { createRequire as __ltsRequire } from "node:module"; import { fileURLToPath as __ltsPath } from "node:url"; ' +
  'const require = __ltsRequire(import.meta.url), __filename = __ltsPath(import.meta.url), __dirname = __filename.slice(0, __filename.lastIndexOf("/")); ';

let esbuildRequire = null;
let esbuildModule = null;
let esbuildVersion = null;

/** A require() that finds esbuild where tsx (a dependency of the worker) has it installed. */
function esbuildResolver() {
  esbuildRequire ??= createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  return esbuildRequire;
}

/** esbuild itself: loaded (and its service started) only on a cache miss. */
function esbuild() {
  esbuildModule ??= esbuildResolver()('esbuild');
  return esbuildModule;
}

/** esbuild's version, from its package.json: a new esbuild never reads an old entry. */
function compilerVersion() {
  esbuildVersion ??= JSON.parse(readFileSync(esbuildResolver().resolve('esbuild/package.json'), 'utf8')).version;
  return esbuildVersion;
}

/** The cache folder, made once; null when none can be written (then every load compiles). */
let cacheDirectory;
export function compileCacheDir() {
  if (cacheDirectory !== undefined) return cacheDirectory;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const candidates = [
    process.env.LOCUST_TS_CACHE_DIR,
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'locust-ts', 'locustfiles'),
    join(tmpdir(), `locust-ts-${uid}`, 'locustfiles'),
  ];
  cacheDirectory = null;
  for (const dir of candidates) {
    if (!dir) continue;
    try {
      mkdirSync(dir, { recursive: true });
      const probe = join(dir, `.probe-${process.pid}`);
      writeFileSync(probe, '');
      unlinkSync(probe);
      cacheDirectory = dir;
      break;
    } catch {
      // read-only or not ours: try the next place
    }
  }
  return cacheDirectory;
}

function cacheKey(path, source) {
  return createHash('sha256').update(`${CACHE_FORMAT}\0${compilerVersion()}\0${TARGET}\0${path}\0`).update(source).digest('hex').slice(0, 40);
}

function readCached(dir, key) {
  try {
    return readFileSync(join(dir, `${key}.mjs`), 'utf8');
  } catch {
    return null;
  }
}

let prunedOnce = false;
function writeCached(dir, key, code) {
  try {
    // write then rename: two processes compiling the same file never read half an entry
    const temporary = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(temporary, code);
    renameSync(temporary, join(dir, `${key}.mjs`));
    if (!prunedOnce) {
      prunedOnce = true;
      prune(dir);
    }
  } catch {
    // a cache that cannot be written only costs the next run a compile
  }
}

function prune(dir) {
  const names = readdirSync(dir).filter((n) => n.endsWith('.mjs'));
  if (names.length <= CACHE_LIMIT) return;
  const byAge = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, names.length - CACHE_LIMIT / 2)) {
    try {
      unlinkSync(join(dir, n));
    } catch {
      // another process pruned it first
    }
  }
}

/**
 * esbuild's first error as a SyntaxError whose message starts with `path:line:column: ` (column
 * 1-based, as V8 and editors count), so the loader reports it as one line naming the place.
 */
function syntaxError(path, err) {
  const first = err?.errors?.[0];
  if (!first) return err;
  const where = first.location ? `:${first.location.line}:${first.location.column + 1}` : '';
  return new SyntaxError(`${path}${where}: ${first.text}`);
}

function transformOptions(path) {
  return {
    loader: LOADERS[extname(path)] ?? 'ts',
    format: 'esm',
    target: TARGET,
    platform: 'node',
    sourcemap: 'inline',
    // relative to the module's own URL, which is the file's: the map names the file itself
    sourcefile: basename(path),
    tsconfigRaw: TSCONFIG,
  };
}

/** The cache entry for `path` and `source`: `{ dir, key, code }`, `code` null on a miss. */
function lookUp(path, source) {
  const dir = compileCacheDir();
  const key = dir ? cacheKey(path, source) : '';
  return { dir, key, code: dir ? readCached(dir, key) : null };
}

function finish(entry, result) {
  const code = result.code.includes('__commonJS(') ? COMMONJS_PRELUDE + result.code : result.code;
  if (entry.dir) writeCached(entry.dir, entry.key, code);
  return code;
}

/** The ES module source for the locustfile module at `path` (an absolute path). */
export async function compileModule(path, source) {
  const entry = lookUp(path, source);
  if (entry.code !== null) return entry.code;
  try {
    return finish(entry, await esbuild().transform(source, transformOptions(path)));
  } catch (err) {
    throw syntaxError(path, err);
  }
}

/** As {@link compileModule}, for Node's in-thread (synchronous) module hooks. */
export function compileModuleSync(path, source) {
  const entry = lookUp(path, source);
  if (entry.code !== null) return entry.code;
  try {
    return finish(entry, esbuild().transformSync(source, transformOptions(path)));
  } catch (err) {
    throw syntaxError(path, err);
  }
}
