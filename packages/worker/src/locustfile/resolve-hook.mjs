// Node module resolve hook (runs in the loader thread, so plain JS): a locustfile anywhere on
// disk that imports 'locust-ts' or '@locust-ts/worker' gets the worker's own API module
// (a shim over a global), so its classes are the very ones the runner knows.
const API_SPECIFIERS = new Set(['locust-ts', '@locust-ts/worker']);
let shimUrl = '';

export function initialize(data) {
  shimUrl = data.shimUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (API_SPECIFIERS.has(specifier) && shimUrl) return { url: shimUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
