// A checkout's packages as plain JavaScript, for a fast start (plain JS on purpose: it runs before
// any TypeScript loader). tsx's loader sends every module of the CLI (~400) through its hooks
// thread: in a checkout that was most of the time from launch to the first request (bench:startup).
// So, like the container image (docker/precompile.mjs), the workspace packages the CLI runs are
// transpiled once with esbuild (tsx's own dependency) into
//   node_modules/.cache/locust-ts/compiled-<fingerprint>/packages/<pkg>/...
// keyed by every source file's path, size and mtime (an edit makes a new copy; old ones are
// removed). Each copied package's node_modules links the checkout's installed dependencies and the
// other copies. The locustfile itself is still loaded by the worker's loader, as in the image.
//
// Anything unexpected (no esbuild, a read-only checkout, another process building the same copy
// right now) returns null: the caller then runs the TypeScript through tsx, as before.
// LOCUST_TS_COMPILE_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The packages the CLI process loads (webui ships a built dist/ and is linked, not copied). */
const PACKAGES = ['protocol', 'worker', 'master', 'kube-watch', 'cli'];
const SCOPE = '@locust-ts';
/** A build lock older than this was left by a killed process, ms. */
const STALE_LOCK_MS = 120_000;
const DONE_MARK = '.complete';
/** Old copies kept besides the current one, and the age under which none is removed. */
const COPIES_KEPT = 5;
const COPY_MIN_AGE_MS = 3_600_000;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'locust-ts');

/** Every file under `dir` (node_modules and tests aside), depth first, sorted. */
function filesUnder(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, out);
    else if (entry.isFile() && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function sourceFiles() {
  const files = [];
  for (const pkg of PACKAGES) {
    const dir = join(ROOT, 'packages', pkg);
    files.push(join(dir, 'package.json'));
    for (const sub of ['src', 'bin']) if (existsSync(join(dir, sub))) filesUnder(join(dir, sub), files);
  }
  files.push(join(ROOT, 'tsconfig.base.json'), join(ROOT, 'pnpm-lock.yaml'));
  return files;
}

function fingerprint(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    const st = statSync(file);
    hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

function findEsbuild() {
  const tsx = createRequire(join(ROOT, 'packages', 'cli', 'package.json')).resolve('tsx/package.json');
  return createRequire(tsx)('esbuild');
}

/** Transpile or copy one package into `out`, and point its manifest at the .js files. */
function buildPackage(pkg, out, transformSync, tsconfigRaw) {
  const from = join(ROOT, 'packages', pkg);
  const to = join(out, 'packages', pkg);
  for (const sub of ['src', 'bin']) {
    if (!existsSync(join(from, sub))) continue;
    for (const file of filesUnder(join(from, sub))) {
      const target = join(to, file.slice(from.length));
      mkdirSync(join(target, '..'), { recursive: true });
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
        const { code } = transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', tsconfigRaw, sourcefile: file });
        writeFileSync(`${target.slice(0, -'.ts'.length)}.js`, code);
      } else cpSync(file, target);
    }
  }
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  const toJs = (value) => (typeof value === 'string' ? value.replace(/\.ts$/, '.js') : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJs(v)])));
  for (const key of ['exports', 'bin', 'main']) if (manifest[key]) manifest[key] = toJs(manifest[key]);
  writeFileSync(join(to, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // dependencies: the checkout's installed ones, the workspace's compiled ones from this copy
  const modules = join(from, 'node_modules');
  if (!existsSync(modules)) return;
  const linkTo = join(to, 'node_modules');
  mkdirSync(linkTo, { recursive: true });
  for (const name of readdirSync(modules)) {
    if (name === '.bin') continue;
    if (!name.startsWith('@')) {
      symlinkSync(realpathSync(join(modules, name)), join(linkTo, name));
      continue;
    }
    mkdirSync(join(linkTo, name));
    for (const dep of readdirSync(join(modules, name))) {
      const compiled = name === SCOPE && PACKAGES.includes(dep);
      // relative: the copy is built under a temporary name and then renamed
      symlinkSync(compiled ? join('..', '..', '..', dep) : realpathSync(join(modules, name, dep)), join(linkTo, name, dep));
    }
  }
}

/**
 * Older copies (an edit made a new one): the newest few are kept, and none younger than an hour —
 * a run started from one may still load a module from it lazily (the web UI, the HTML report).
 */
function removeOldCopies(current) {
  const copies = readdirSync(CACHE)
    .filter((name) => /^compiled-[0-9a-f]+$/.test(name) && join(CACHE, name) !== current)
    .map((name) => ({ path: join(CACHE, name), mtime: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const [i, copy] of copies.entries()) {
    if (i >= COPIES_KEPT && Date.now() - copy.mtime > COPY_MIN_AGE_MS) rmSync(copy.path, { recursive: true, force: true });
  }
}

function build(dir) {
  const lock = `${dir}.building`;
  try {
    mkdirSync(lock, { recursive: false });
  } catch {
    // another process builds it now (or a killed one left its lock): this run uses tsx
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
    return false;
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    const { transformSync } = findEsbuild();
    const tsconfigRaw = readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8');
    for (const pkg of PACKAGES) buildPackage(pkg, tmp, transformSync, tsconfigRaw);
    writeFileSync(join(tmp, DONE_MARK), '');
    renameSync(tmp, dir);
    removeOldCopies(dir);
    return true;
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    return false;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The URL of the compiled copy's main.js, building the copy if the sources changed; null to use tsx. */
export function compiledCheckoutMain() {
  if (process.env.LOCUST_TS_COMPILE_CACHE === '0') return null;
  try {
    const dir = join(CACHE, `compiled-${fingerprint(sourceFiles())}`);
    const main = join(dir, 'packages', 'cli', 'src', 'main.js');
    if (existsSync(join(dir, DONE_MARK))) return main;
    mkdirSync(CACHE, { recursive: true });
    return build(dir) ? main : null;
  } catch {
    return null;
  }
}
