/**
 * The locust-ts generator as one esbuild bundle, the form `pnpm package` ships (scripts/package.mjs):
 * the benchmark then measures the worker's own CPU, not tsx compiling TypeScript at start-up in a
 * loader thread (~0.4 CPU-seconds and ~30 MB, which autocannon and wrk do not pay either).
 * zeromq and msgpackr (native code) stay outside, resolved where the protocol package finds them.
 */
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export async function bundleGenerator(root: string, outDir: string): Promise<string> {
  const requireFromWorker = createRequire(join(root, 'packages/worker/package.json'));
  const esbuild = createRequire(requireFromWorker.resolve('tsx/package.json'))('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
  const requireFromProtocol = createRequire(join(root, 'packages/protocol/package.json'));
  const outfile = join(outDir, 'locust-ts-generator.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'bench/locust-ts-generator.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'native-outside',
        setup(build: { onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string; external: boolean }): void }) {
          build.onResolve({ filter: /^(zeromq|msgpackr)$/ }, (a) => ({ path: requireFromProtocol.resolve(a.path), external: true }));
        },
      },
    ],
    // bundled CommonJS (undici) calls require()
    banner: { js: "import { createRequire as __locustTsRequire } from 'node:module'; const require = __locustTsRequire(import.meta.url);" },
  });
  // load.ts requires it beside itself (as in the package)
  copyFileSync(join(root, 'packages/worker/src/locustfile/native-import.cjs'), join(outDir, 'native-import.cjs'));
  return outfile;
}
