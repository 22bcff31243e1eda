/**
 * Stacks as a person reads them — the console, the `exception` message's `traceback` (spec §3.8),
 * the Exceptions tab, `--csv` and the HTML report: one frame per entry in Python's layout, each
 * naming its file's own `path:line:column` (V8 has already applied the locustfile's source map;
 * callers `path:line`) with that line of source below it, as Python prints it.
 *
 * Which frames: the user's come first. Engine frames *above* the user's topmost one (the engine
 * code a locustfile called and that threw) are dropped, Node's internals always; the engine
 * frames below the user's (the task loop that called the task) stay, as Locust's tracebacks
 * start at its own `TaskSet.run`. A frame never shows a `data:` URL.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface StackFrame {
  /** The function as V8 names it (`U.boom`, `new Shape`), `<module>` at a module's top level. */
  fn: string;
  /** Absolute path (a `file:` URL is turned into one), or `node:…` / `<compiled module>`. */
  file: string;
  line: number;
  column: number;
}

// `    at U.boom (file:///tmp/x/locustfile.ts:7:11)` or `    at file:///tmp/x/locustfile.ts:7:11`
const V8_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * Where the engine's own code lives: the folder holding the packages, and the node_modules
 * beside it. The one place that knows the layout (a packaged install adapts it here).
 */
const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const ENGINE_DIRS = [PACKAGES_DIR, fileURLToPath(new URL('../../../node_modules/', import.meta.url))];

function framePath(location: string): string {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return location;
    }
  }
  // a module the loader handed over as a `data:` URL carries its whole source: never print it
  if (location.startsWith('data:')) return '<compiled module>';
  return location;
}

/** The frames of a V8 stack, most recent first; lines that are not frames are skipped. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split('\n')) {
    const m = V8_FRAME.exec(text);
    if (!m) continue;
    const fn = (m[1] ?? '<module>').replace(/^async /, '');
    frames.push({ fn, file: framePath(m[2]!), line: Number(m[3]), column: Number(m[4]) });
  }
  return frames;
}

function isInternal(frame: StackFrame): boolean {
  return frame.file.startsWith('node:') || frame.file === '<compiled module>' || !frame.file.startsWith('/');
}

/** A frame of the engine (its packages or their dependencies), not of the user's code. */
export function isEngineFrame(frame: StackFrame): boolean {
  return ENGINE_DIRS.some((dir) => frame.file.startsWith(dir));
}

/** A frame of the user's own code: the locustfile, its sibling modules and their packages. */
export function isUserFrame(frame: StackFrame): boolean {
  return !isInternal(frame) && !isEngineFrame(frame);
}

/** The frames worth showing, user's first (see the header). */
export function shownFrames(stack: string): StackFrame[] {
  const frames = parseStack(stack).filter((f) => !f.file.startsWith('node:'));
  const firstUser = frames.findIndex(isUserFrame);
  return firstUser > 0 ? frames.slice(firstUser) : frames;
}

const SOURCE_CACHE_LIMIT = 64;
const sources = new Map<string, readonly string[] | null>();

/** Line `line` (1-based) of `path`, trimmed; '' when the file cannot be read. */
function sourceLine(path: string, line: number): string {
  let lines = sources.get(path);
  if (lines === undefined) {
    try {
      lines = readFileSync(path, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    if (sources.size >= SOURCE_CACHE_LIMIT) sources.delete(sources.keys().next().value!);
    sources.set(path, lines);
  }
  return lines?.[line - 1]?.trim() ?? '';
}

/** `path:line:column` of a frame, the form editors and terminals open. */
export function frameLocation(frame: StackFrame): string {
  return `${frame.file}:${frame.line}:${frame.column}`;
}

/**
 * The frame where the error was raised names its column; its callers name file and line only:
 * a caller's column is the call's on a task's first run and its `await`'s on later runs, and
 * the master keys its exceptions table by this text (one row per error, as Locust's).
 */
function formatFrame(frame: StackFrame, index: number): string {
  const where = index === 0 ? frameLocation(frame) : `${frame.file}:${frame.line}`;
  const head = `  File "${where}", in ${frame.fn}\n`;
  if (isInternal(frame)) return head;
  const code = sourceLine(frame.file, frame.line);
  return code ? `${head}    ${code}\n` : head;
}

/** The stack in Python's `format_tb` layout (empty when the error has no frames). */
export function formatTraceback(err: unknown): string {
  if (!(err instanceof Error) || !err.stack) return '';
  return shownFrames(err.stack).map(formatFrame).join('');
}

/** `Name: message`, as the last line of a Python traceback reads. */
export function errorLine(err: unknown): string {
  if (err instanceof Error) return err.message ? `${err.name}: ${err.message}` : err.name;
  return String(err);
}

/** `Name: message` and the frames below it: what the console prints for an uncaught error. */
export function errorReport(err: unknown): string {
  return `${errorLine(err)}\n${formatTraceback(err)}`.trimEnd();
}

/** `path:line:column` of the user's frame nearest the throw, or null (no user frame). */
export function userLocation(err: unknown): string | null {
  if (!(err instanceof Error) || !err.stack) return null;
  const frame = parseStack(err.stack).find(isUserFrame);
  return frame ? frameLocation(frame) : null;
}
