// `node --import packages/test-support/src/record-imports.mjs …`: appends every module specifier that matches
// RECORD_IMPORTS_MATCH to the file RECORD_IMPORTS_FILE (one per line), through a module
// resolve hook, so a test can tell which packages a real process loaded.
import { register } from 'node:module';

if (process.env.RECORD_IMPORTS_FILE && process.env.RECORD_IMPORTS_MATCH) {
  register('./record-imports-hooks.mjs', import.meta.url, {
    data: { file: process.env.RECORD_IMPORTS_FILE, match: process.env.RECORD_IMPORTS_MATCH },
  });
}
