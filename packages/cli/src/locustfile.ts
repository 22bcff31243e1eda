/**
 * Finding the locustfile like Locust's `find_locustfile`: a bare name is looked up in the working
 * directory and its parents, a path is taken as given; without an extension `.ts`, `.js` and `.py`
 * are tried in that order.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DEFAULT_LOCUSTFILE } from './option-specs.js';
import { EXIT_INVALID, UsageError } from './options.js';

export const LOCUSTFILE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.py'] as const;
const TRIED_WITHOUT_EXTENSION = ['.ts', '.js', '.py'];

export type LocustfileKind = 'typescript' | 'python';

export function locustfileKind(path: string): LocustfileKind {
  return extname(path) === '.py' ? 'python' : 'typescript';
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function candidates(name: string): string[] {
  return extname(name) === '' ? [name, ...TRIED_WITHOUT_EXTENSION.map((ext) => name + ext)] : [name];
}

/** Absolute path of the locustfile named by `-f`, or a one-line `UsageError` (exit 1). */
export function resolveLocustfile(name: string, cwd: string = process.cwd()): string {
  const hasDirectory = dirname(name) !== '.' || name.startsWith('./');
  const names = candidates(name);
  if (hasDirectory) {
    for (const candidate of names) {
      const path = resolve(cwd, candidate);
      if (isFile(path)) return checkExtension(path);
    }
  } else {
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      for (const candidate of names) {
        const path = join(dir, candidate);
        if (isFile(path)) return checkExtension(path);
      }
      if (dirname(dir) === dir) break;
    }
  }
  const shown = name === DEFAULT_LOCUSTFILE ? 'locustfile.ts' : name;
  throw new UsageError(`Could not find '${shown}'. See --help for available options.`, EXIT_INVALID);
}

function checkExtension(path: string): string {
  const ext = extname(path);
  if (!(LOCUSTFILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UsageError(
      `Invalid locustfile '${basename(path)}': it should end with ${LOCUSTFILE_EXTENSIONS.join(', ')}`,
      EXIT_INVALID,
    );
  }
  return path;
}
