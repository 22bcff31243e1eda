/**
 * One line for a locustfile that failed to load, naming the place in the user's code as
 * `path:line:column`: esbuild's syntax errors (compile.mjs), Node's import and link errors
 * (found at the import that asks for the missing module or name), and errors thrown while the
 * module runs (the user's frame nearest the throw, source-mapped).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorLine, userLocation } from '@locust-ts/protocol';
import { WaitTimeError } from '../errors.js';

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}

/** A path as the person typed it: relative inside the working directory, absolute outside. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `shown:line:column` of the first place from line `from` on where `needle` appears in `path` (1-based), or null. */
function findInFile(path: string, needle: string, from = 1): string | null {
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').split('\n');
  } catch {
    return null;
  }
  for (let i = from - 1; i < lines.length; i++) {
    const col = lines[i]!.indexOf(needle);
    if (col >= 0) return `${shownPath(path)}:${i + 1}:${col + 1}`;
  }
  return null;
}

/** Where an import failed: the import statement naming the missing module or export. */
function importLocation(err: { code?: unknown; message: string; stack?: string }): string | null {
  const missing = /^Cannot find (?:module|package) '([^']+)' imported from (.+)$/m.exec(err.message);
  if (missing) {
    const [, what, importer] = missing as unknown as [string, string, string];
    const spelled = isAbsolute(what) ? what.slice(what.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '') : what;
    return findInFile(importer, `${what}'`) ?? findInFile(importer, `${what}"`) ?? findInFile(importer, spelled);
  }
  // Node's link and CommonJS syntax errors start their stack with `path:line`, the source line
  // and a caret (an ES module's line is source-mapped, its caret is not: find the name instead)
  const at = /^((?:file:\/\/|\/)[^\n]*?):(\d+)\n(?:[^\n]*\n( *)\^)?/.exec(err.stack ?? '');
  if (!at) return null;
  const path = at[1]!.startsWith('file:') ? fileURLToPath(at[1]!) : at[1]!;
  const noExport = /does not provide an export named '([^']+)'/.exec(err.message);
  if (noExport) return findInFile(path, noExport[1]!, Number(at[2])) ?? findInFile(path, noExport[1]!);
  return at[3] === undefined ? `${path}:${at[2]}` : `${path}:${at[2]}:${at[3].length + 1}`;
}

/** One line for an error thrown while importing: a syntax error, an import error, or the module's own throw. */
export function importErrorLine(shown: string, err: unknown): string {
  if (err instanceof WaitTimeError) return `${shown}: bad wait time: ${err.message}`;
  if (!(err instanceof Error)) return `${shown}: ${String(err)}`;
  // compile.mjs: `/abs/path:line:column: text`
  const compiled = /^(\/.*?):(\d+):(\d+): (.*)$/s.exec(err.message);
  if (err.name === 'SyntaxError' && compiled) return `${shownPath(compiled[1]!)}:${compiled[2]}:${compiled[3]}: syntax error: ${firstLine(compiled[4]!)}`;
  const where = importLocation(err) ?? userLocation(err);
  const location = where ? shownLocation(where) : shown;
  if (err.name === 'SyntaxError') return `${location}: syntax error: ${firstLine(err.message)}`;
  return `${location}: ${firstLine(errorLine(err))}`;
}

/** A `path:line:column` with its path shown as {@link shownPath}. */
function shownLocation(location: string): string {
  const m = /^(.*):(\d+):(\d+)$/.exec(location);
  return m ? `${shownPath(m[1]!)}:${m[2]}:${m[3]}` : location;
}
