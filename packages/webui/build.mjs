/**
 * Builds Locust's React UI (npm `locust-ui`) into dist/ with Vite, unless dist/ already holds a
 * build of the current sources. Used by `postinstall` (so a plain `pnpm install` leaves a ready
 * UI) and by the master on start-up when dist/ is missing (e.g. installed with --ignore-scripts).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = join(here, 'dist');
const stampFile = join(distDir, '.build-stamp');
/** Our own inputs to a build (every file in src/: extra tabs live beside main.jsx); the installed locust-ui is the other one. */
const inputs = ['package.json', 'index.html', 'auth.html', 'report.html', 'vite.config.js', ...readdirSync(join(here, 'src')).sort().map((f) => `src/${f}`)];

/** locust-ui's directory, or undefined in a production install (all build tools are devDependencies). */
function locustUiDir() {
  try {
    const require = createRequire(join(here, 'package.json'));
    return dirname(dirname(require.resolve('locust-ui')));
  } catch {
    return undefined;
  }
}

function sha256(...chunks) {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * The stamp is `<hash of our inputs> <hash of locust-ui's package.json>`. The second half is
 * checked only where locust-ui is installed: a production install (e.g. the Docker image) has
 * dist/ but none of the build tooling, so it trusts the locust-ui a build was made from.
 */
function sourceStamp() {
  const ui = locustUiDir();
  return {
    sources: sha256(...inputs.map((f) => readFileSync(join(here, f)))),
    locustUi: ui === undefined ? undefined : sha256(readFileSync(join(ui, 'package.json'))),
  };
}

/** True when dist/ holds a build of exactly the current sources. */
export function isWebUiBuilt() {
  try {
    if (!existsSync(join(distDir, 'index.html'))) return false;
    const [sources, locustUi] = readFileSync(stampFile, 'utf8').trim().split(' ');
    const current = sourceStamp();
    return sources === current.sources && (current.locustUi === undefined || locustUi === current.locustUi);
  } catch {
    return false;
  }
}

/** True when the Vite build can run here (not in a --prod install). */
function canBuild() {
  const require = createRequire(join(here, 'package.json'));
  try {
    require.resolve('vite');
    return locustUiDir() !== undefined;
  } catch {
    return false;
  }
}

/**
 * The HTML report page as ONE file (`<outDir>/report.html`), as Locust ships its `report.html`:
 * a second build of report.html with everything in one chunk, whose script and styles are then
 * inlined, so a saved report opens from disk with no server.
 */
async function buildReport(outDir) {
  const { build } = await import('vite');
  const reportDir = join(outDir, 'report-build');
  await build({
    root: here,
    mode: 'production',
    configFile: join(here, 'vite.config.js'),
    build: { outDir: reportDir, emptyOutDir: true, cssCodeSplit: false, assetsInlineLimit: Number.MAX_SAFE_INTEGER, rollupOptions: { input: join(here, 'report.html'), output: { codeSplitting: false } } },
  });
  let html = readFileSync(join(reportDir, 'report.html'), 'utf8');
  // `</script` inside the bundle would end the inline element early; `<\/script` means the same in JS
  const inline = (file) => readFileSync(join(reportDir, file), 'utf8').replace(/<\/(script|style)/gi, '<\\/$1');
  html = html.replace(/<script type="module" crossorigin src="\.\/([^"]+)"><\/script>/g, (_, file) => `<script type="module">${inline(file)}</script>`);
  html = html.replace(/<link rel="stylesheet" crossorigin href="\.\/([^"]+)">/g, (_, file) => `<style>${inline(file)}</style>`);
  if (/<script[^>]+src=|<link[^>]+href="\.\//.test(html)) throw new Error('the report page still loads files');
  writeFileSync(join(outDir, 'report.html'), html);
  rmSync(reportDir, { recursive: true, force: true });
}

/** Vite build of the current sources into dist/ (in this process: run only from the CLI below). */
async function buildNow() {
  const { build } = await import('vite');
  // Build beside dist/ and swap it in, so a master starting meanwhile never reads half a build.
  const tmpDir = join(here, `dist.tmp-${process.pid}`);
  try {
    // the UI and the `--web-login` page (auth.html) share the locust-ui chunk
    const pages = { index: join(here, 'index.html'), auth: join(here, 'auth.html') };
    await build({ root: here, mode: 'production', configFile: join(here, 'vite.config.js'), build: { outDir: tmpDir, rollupOptions: { input: pages } } });
    await buildReport(tmpDir);
    // The UI loads its images (favicons, empty-state graphics) from ./assets/.
    const uiDir = locustUiDir();
    if (uiDir === undefined) throw new Error('locust-ui is not installed');
    cpSync(join(uiDir, 'lib', 'assets'), join(tmpDir, 'assets'), { recursive: true });
    const stamp = sourceStamp();
    writeFileSync(join(tmpDir, '.build-stamp'), `${stamp.sources} ${stamp.locustUi}\n`);
    rmSync(distDir, { recursive: true, force: true });
    try {
      renameSync(tmpDir, distDir);
    } catch (err) {
      // another process swapped its identical build in first
      if (!isWebUiBuilt()) throw err;
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * Build dist/ if it is missing or stale; `log` gets one line before a build starts. The build runs
 * in a child `node`, away from the caller's loaders and NODE_ENV (a test runner's would leak in).
 */
export async function ensureWebUiBuilt(log = (line) => console.log(line)) {
  if (isWebUiBuilt()) return distDir;
  if (!canBuild()) {
    throw new Error(
      `the web UI is not built (${distDir}) and its build tools are not installed (a --prod install?): ` +
        'run `pnpm install` with dev dependencies, or build it where they are and ship dist/',
    );
  }
  log('Building the Locust web UI (locust-ui + Vite, once, ~5-20 s)...');
  const env = { ...process.env, NODE_ENV: 'production' };
  delete env.NODE_OPTIONS;
  const output = [];
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !isWebUiBuilt()) {
    throw new Error(`building the web UI failed (exit ${code}): ${Buffer.concat(output).toString().trim().split('\n').slice(-3).join(' | ')}`);
  }
  return distDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  try {
    if (isWebUiBuilt()) {
      console.log('locust-ts web UI: dist/ is up to date');
    } else {
      console.log('Building the Locust web UI (locust-ui + Vite, once, ~5-20 s)...');
      await buildNow();
      console.log(`locust-ts web UI built into ${distDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } catch (err) {
    // Never fail the whole install for the UI (exit 0 under postinstall): the master retries on start.
    console.warn(`locust-ts web UI: build failed (${err instanceof Error ? err.message : err}); the master will retry on start`);
    if (process.env.npm_lifecycle_event !== 'postinstall') process.exitCode = 1;
  }
}
