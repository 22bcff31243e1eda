// The resolve hook of record-imports.mjs (runs on the loader thread).
import { appendFileSync } from 'node:fs';

let file = '';
let match = '';

export function initialize(data) {
  ({ file, match } = data);
}

export async function resolve(specifier, context, next) {
  if (specifier.includes(match)) appendFileSync(file, `${specifier}\n`);
  return next(specifier, context);
}
