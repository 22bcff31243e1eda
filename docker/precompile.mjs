// Image build step: transpile the workspace packages' TypeScript to JavaScript once, so a pod
// starts without compiling (only the locustfile is compiled, by the worker's hooks). Each
// src/**/*.ts (tests excluded) gets a .js beside it — imports already name `.js` files — and the
// packages' `exports`/`bin` entries are pointed at the .js files.
//   node docker/precompile.mjs ROOT   (ROOT holds packages/; esbuild is tsx's own dependency)
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.argv[2] ?? '.';
// Every package with TypeScript that runs on Node (webui ships a built dist/). kube-watch was
// missing here once: `--watch-scale` in a pod then imported a .ts file under plain Node.
const PACKAGES = ['protocol', 'worker', 'master', 'kube-watch', 'cli', 'target-server'];
// esbuild comes with tsx, a production dependency of the worker and the target: whichever of the
// packages this image installed.
function findEsbuild() {
  for (const pkg of PACKAGES) {
    try {
      const tsx = createRequire(join(root, 'packages', pkg, 'package.json')).resolve('tsx/package.json');
      return createRequire(tsx)('esbuild');
    } catch {
      // not installed for this package in this image
    }
  }
  throw new Error('[precompile] esbuild not found (it comes with tsx): install dependencies first');
}
const { transformSync } = findEsbuild();
const tsconfigRaw = readFileSync(join(root, 'tsconfig.base.json'), 'utf8');

let count = 0;
function compileDir(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') compileDir(path);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) {
      const { code } = transformSync(readFileSync(path, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', tsconfigRaw, sourcefile: path });
      writeFileSync(path.slice(0, -'.ts'.length) + '.js', code);
      count += 1;
    }
  }
}

const toJs = (value) => (typeof value === 'string' ? value.replace(/\.ts$/, '.js') : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJs(v)])));
for (const pkg of PACKAGES) {
  const dir = join(root, 'packages', pkg);
  compileDir(join(dir, 'src'));
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const key of ['exports', 'bin', 'main']) if (manifest[key]) manifest[key] = toJs(manifest[key]);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}
console.log(`[precompile] ${count} TypeScript files compiled to JavaScript`);
