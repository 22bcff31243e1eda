// `pnpm package`: the installable `locust-ts` package, dist/locust-ts-<version>.tgz.
//
// The workspace packages are bundled into one package (they are private and export .ts sources):
//   dist/      the CLI and the locustfile API, bundled by esbuild (ESM, code splitting), so the
//              runner and a locustfile's `import ... from 'locust-ts'` share one module instance;
//   types/     .d.ts of the locustfile API (tsc), the only face 'locust-ts' has;
//   webui/     the built web UI (packages/webui/dist);
//   bin/       the `locust-ts` command.
// npm dependencies stay npm dependencies (zeromq and msgpackr carry native code; tsx compiles the
// user's TypeScript locustfiles at run time). @kubernetes/client-node, needed only by
// `--watch-scale`, is an optional peer dependency: the kube-watch chunk imports it lazily.
//
//   node scripts/package.mjs [--out DIR]     (default DIR: dist/ at the repository root)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, 'dist'));
const stage = join(root, 'build', 'package', 'locust-ts');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = rootManifest.version;
const log = (line) => console.log(`[package] ${line}`);

// esbuild comes with tsx (a dependency of the worker), like docker/precompile.mjs finds it
const requireFromWorker = createRequire(join(root, 'packages/worker/package.json'));
const esbuild = createRequire(requireFromWorker.resolve('tsx/package.json'))('esbuild');

// --- npm dependencies: what the bundled packages import at run time --------------------------------
const BUNDLED = ['protocol', 'worker', 'master', 'kube-watch', 'cli'];
const OPTIONAL_PEERS = new Set(['@kubernetes/client-node']);
const dependencies = {};
const peerDependencies = {};
for (const name of BUNDLED) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (dep.startsWith('@locust-ts/')) continue;
    (OPTIONAL_PEERS.has(dep) ? peerDependencies : dependencies)[dep] = range;
  }
}

// --- stage -----------------------------------------------------------------------------------------
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'bin'), { recursive: true });

// '@locust-ts/webui' is build tooling (Vite, React); in the package the UI is already built, in webui/
const webuiPlugin = {
  name: 'locust-ts-webui',
  setup(build) {
    build.onResolve({ filter: /^@locust-ts\/webui$/ }, () => ({ path: 'webui', namespace: 'locust-ts-webui' }));
    build.onLoad({ filter: /.*/, namespace: 'locust-ts-webui' }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: [
        "import { fileURLToPath } from 'node:url';",
        "export const distDir = fileURLToPath(new URL('../webui/', import.meta.url));",
        'export function isWebUiBuilt() { return true; }',
        'export async function ensureWebUiBuilt() { return distDir; }',
      ].join('\n'),
    }));
  },
};

const built = await esbuild.build({
  entryPoints: { cli: join(root, 'packages/cli/src/main.ts'), api: join(root, 'packages/worker/src/api.ts') },
  outdir: join(stage, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: [...Object.keys(dependencies), ...Object.keys(peerDependencies)],
  plugins: [webuiPlugin],
  // chunks beside the entry points: `new URL('../bin/…' | '../webui/', import.meta.url)` must
  // mean the same from every one of them
  chunkNames: '[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  tsconfigRaw: readFileSync(join(root, 'tsconfig.base.json'), 'utf8'),
});
// files the bundled modules reach by `new URL('./x', import.meta.url)`: beside every chunk
// (hooks.mjs is also registered off-thread by file on a Node without module.registerHooks, and
// imports compile.mjs beside it; load.ts requires native-import.cjs)
const beside = [
  'packages/worker/src/locustfile/hooks.mjs',
  'packages/worker/src/locustfile/compile.mjs',
  'packages/worker/src/locustfile/native-import.cjs',
  'packages/worker/src/locustfile/api-shim.cjs',
  'packages/cli/src/dev/guardian.mjs',
];
for (const file of beside) cpSync(join(root, file), join(stage, 'dist', file.split('/').pop()));
// every import left in the bundle is node:, a dependency, or a peer: nothing else may escape
for (const output of Object.values(built.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || path.startsWith('node:')) continue;
    const pkg = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
    if (!(pkg in dependencies) && !(pkg in peerDependencies)) throw new Error(`[package] the bundle imports '${path}', which is no dependency`);
  }
}

writeFileSync(
  join(stage, 'bin/locust-ts.mjs'),
  "#!/usr/bin/env node\n// locust-ts command line (the bundled CLI; see the package's README)\nimport '../dist/cli.js';\n",
  { mode: 0o755 },
);

// --- types: the locustfile API, declarations emitted by tsc ----------------------------------------
const typesOut = join(root, 'build', 'package', 'types');
rmSync(typesOut, { recursive: true, force: true });
const tsconfigPath = join(root, 'build', 'package', 'tsconfig.types.json');
writeFileSync(
  tsconfigPath,
  JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: join(root, 'packages'),
      outDir: typesOut,
      // resolved through node_modules they would count as a library's files, and tsc emits none
      paths: { '@locust-ts/protocol': [join(root, 'packages/protocol/src/index.ts')] },
    },
    files: [join(root, 'packages/worker/src/api.ts')],
  }),
);
execFileSync(process.execPath, [createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc'), '-p', tsconfigPath], { stdio: 'inherit' });
// '@locust-ts/protocol' is no package of its own once installed: point it at its declarations
function copyTypes(dir, to) {
  for (const name of readdirSync(dir)) {
    const from = join(dir, name);
    if (statSync(from).isDirectory()) {
      copyTypes(from, join(to, name));
      continue;
    }
    if (!name.endsWith('.d.ts')) continue;
    mkdirSync(to, { recursive: true });
    const target = join(to, name);
    const text = readFileSync(from, 'utf8').replace(/(['"])@locust-ts\/(protocol|worker|master)(\/[\w-]+)?\1/g, (whole, quote, pkg, sub) => {
      if (sub) throw new Error(`[package] ${relative(typesOut, from)} imports ${whole}: only package roots are mapped`);
      let rel = relative(dirname(target), join(stage, 'types', pkg, 'src', 'index.js'));
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${quote}${rel}${quote}`;
    });
    writeFileSync(target, text);
  }
}
copyTypes(typesOut, join(stage, 'types'));

// --- the web UI, docs, manifest ----------------------------------------------------------------------
const webuiDist = join(root, 'packages/webui/dist');
if (!existsSync(join(webuiDist, 'index.html'))) throw new Error('[package] packages/webui/dist is not built: run pnpm install (its postinstall builds it)');
cpSync(webuiDist, join(stage, 'webui'), { recursive: true, filter: (src) => !src.endsWith('.build-stamp') });
cpSync(join(root, 'docs/package-README.md'), join(stage, 'README.md'));
cpSync(join(root, 'CHANGELOG.md'), join(stage, 'CHANGELOG.md'));

const manifest = {
  name: 'locust-ts',
  version,
  description: 'Locust load testing in TypeScript: locustfiles, master and worker, wire-compatible with Python Locust',
  type: 'module',
  license: rootManifest.license,
  engines: rootManifest.engines,
  bin: { 'locust-ts': './bin/locust-ts.mjs' },
  exports: { '.': { types: './types/worker/src/api.d.ts', default: './dist/api.js' }, './package.json': './package.json' },
  types: './types/worker/src/api.d.ts',
  files: ['bin', 'dist', 'types', 'webui', 'CHANGELOG.md'],
  keywords: ['locust', 'load-testing', 'performance', 'typescript'],
  dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
  peerDependencies,
  peerDependenciesMeta: Object.fromEntries(Object.keys(peerDependencies).map((name) => [name, { optional: true }])),
};
if (!manifest.license) delete manifest.license;
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// --- pack --------------------------------------------------------------------------------------------
mkdirSync(outDir, { recursive: true });
const tarball = join(outDir, `locust-ts-${version}.tgz`);
rmSync(tarball, { force: true });
execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
if (!existsSync(tarball)) throw new Error(`[package] npm pack wrote no ${tarball}`);
log(`${relative(process.cwd(), tarball) || tarball}: ${(statSync(tarball).size / 1024).toFixed(0)} KiB`);
