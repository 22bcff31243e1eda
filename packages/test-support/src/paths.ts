import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (tests may run from any cwd). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The workspace's tsx CLI, to run TypeScript entry points as child processes. */
export const TSX = `${REPO_ROOT}node_modules/.bin/tsx`;

/**
 * Node flags that run a TypeScript entry point in one process (`node --import tsx main.ts`). Use
 * these, not the tsx CLI, whenever a test signals the child: the CLI relays a signal and, when the
 * child has not confirmed it within 30 ms (a busy machine), sends SIGKILL and exits 130.
 */
export const TS_NODE_ARGS = ['--import', pathToFileURL(`${REPO_ROOT}node_modules/tsx/dist/loader.mjs`).href];

/**
 * Golden wire captures and the spec (read-only, shared by all engineers): `shared/` beside the
 * checkout (where CI lays it next to its fresh clone), else the workplace's copy;
 * `LOCUST_TS_SHARED_DIR` overrides both.
 */
export const SHARED_PROTOCOL_DIR = [
  process.env.LOCUST_TS_SHARED_DIR ? `${process.env.LOCUST_TS_SHARED_DIR}/protocol` : '',
  `${REPO_ROOT}../shared/protocol`,
  '/work/shared/protocol',
].find((dir) => dir !== '' && existsSync(dir)) ?? '/work/shared/protocol';
export const CAPTURES_DIR = `${SHARED_PROTOCOL_DIR}/captures`;

/** Debian's real Python Locust 2.12.1 (its workers send "" as their version). */
export const LOCUST_BIN = '/usr/bin/locust';
