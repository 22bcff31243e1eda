/**
 * Before the real parse, as Locust's `main()`: find the locustfile from a first lenient parse
 * (command line, `LOCUST_LOCUSTFILE`, config files), import it (a TypeScript one), and let its
 * `initCommandLineParser` listeners add their arguments. The real parse then knows them.
 */
import { events } from '@locust-ts/protocol';
import type { PythonLocustfile } from '@locust-ts/master';
import type { Locustfile } from '@locust-ts/worker';
import { type CustomOptionSpec, CustomArgumentParser } from './custom-arguments.js';
import { locustfileKind, resolveLocustfile } from './locustfile.js';
import { EXIT_INVALID, type ParseContext, UsageError, parseOptions } from './options.js';

export interface Prepared {
  /** the imported TypeScript locustfile, or null (none found yet, or a .py file) */
  file: Locustfile | null;
  customSpecs: CustomOptionSpec[];
  /** a .py locustfile read by python3 (master or local run): its classes, shapes, listeners, arguments */
  python?: PythonLocustfile | null;
  /** one line each for what the run will not do as the locustfile asks (printed as warnings at start) */
  notices?: string[];
}

const NO_HELP = new Set(['-h', '--help', '-V', '--version']);

/**
 * `beforeImport` runs before the locustfile is imported: modules that import '@locust-ts/worker'
 * must be loaded by then (afterwards that name resolves to the locustfile API only).
 */
export async function prepare(argv: readonly string[], context: ParseContext, beforeImport: () => Promise<void>): Promise<Prepared> {
  let locustfile: string;
  let worker: boolean;
  try {
    const first = parseOptions(
      argv.filter((a) => !NO_HELP.has(a)),
      { ...context, allowUnknown: true },
    );
    if (first.kind !== 'run') return { file: null, customSpecs: [] };
    locustfile = resolveLocustfile(first.options.locustfile);
    worker = first.options.worker;
  } catch {
    // the real parse (or run) reports it with its own message
    return { file: null, customSpecs: [] };
  }
  if (locustfileKind(locustfile) !== 'typescript') return worker ? { file: null, customSpecs: [] } : preparePython(locustfile, beforeImport);
  await beforeImport();
  const { LocustfileError, loadLocustfile } = await import('@locust-ts/worker');
  let file: Locustfile;
  try {
    file = await loadLocustfile(locustfile);
  } catch (err) {
    if (err instanceof LocustfileError) throw new UsageError(err.message, EXIT_INVALID);
    throw err;
  }
  const parser = new CustomArgumentParser();
  events.initCommandLineParser.fire({ parser });
  // a key Locust's add_argument does not have: one line, before anything runs
  if (parser.problems.length > 0) throw new UsageError(`${locustfile}: ${parser.problems[0]}`, EXIT_INVALID);
  return { file, customSpecs: parser.specs };
}

/** A .py locustfile on the TS master: python3 reads it once; its custom arguments become ours. */
async function preparePython(locustfile: string, beforeImport: () => Promise<void>): Promise<Prepared> {
  await beforeImport();
  const { inspectPythonLocustfile } = await import('@locust-ts/master');
  let python: PythonLocustfile;
  try {
    python = await inspectPythonLocustfile(locustfile);
  } catch {
    // the run reads the user classes again and reports why it cannot
    return { file: null, customSpecs: [], python: null };
  }
  const { addPythonArguments, pythonNotices } = await import('./python-locustfile.js');
  const parser = new CustomArgumentParser();
  const notices = [...addPythonArguments(locustfile, python, parser), ...pythonNotices(locustfile, python)];
  if (parser.problems.length > 0) notices.push(...parser.problems.map((p) => `${locustfile}: ${p}`));
  return { file: null, customSpecs: parser.specs, python, notices };
}
