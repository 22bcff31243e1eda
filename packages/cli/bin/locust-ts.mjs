#!/usr/bin/env node
// locust-ts command line. The container image precompiles the TypeScript sources
// (docker/precompile.mjs): then plain Node loads the .js files. A checkout runs a compiled copy of
// its packages, made once per source change (compiled-checkout.mjs), or, when that cannot be made,
// the TypeScript sources through tsx's loader (Node >= 20.6 for module.register). Either way the
// locustfile is compiled (and cached) by the worker's own module hooks
// (packages/worker/src/locustfile/hooks.mjs).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node >= 22.1: V8's code cache on disk for every module loaded after this line (a no-op on Node 20)
module.enableCompileCache?.();

const compiled = new URL('../src/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { compiledCheckoutMain } = await import('./compiled-checkout.mjs');
  const main = compiledCheckoutMain();
  if (main) {
    const { pathToFileURL } = await import('node:url');
    await import(pathToFileURL(main).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../src/main.ts');
  }
}
