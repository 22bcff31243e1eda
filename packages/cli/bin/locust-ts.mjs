#!/usr/bin/env node
// locust-ts command line. In the workspace it runs the TypeScript sources through tsx's loader
// (no build step; Node >= 20.6 for module.register). The container image precompiles them
// (docker/precompile.mjs): then plain Node loads the .js files and a pod compiles nothing at
// start but the locustfile, which the worker's own module hooks compile (and cache) either way
// (packages/worker/src/locustfile/hooks.mjs).
import { existsSync } from 'node:fs';

const compiled = new URL('../src/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
