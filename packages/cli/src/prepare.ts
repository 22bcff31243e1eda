/**
 * Before the real parse, as Locust's `main()`: find the locustfile from a first lenient parse
 * (command line, `LOCUST_LOCUSTFILE`, config files), import it (a TypeScript one), and let its
 * `initCommandLineParser` listeners add their arguments. The real parse then knows them.
 */
import { events } from '@locust-ts/protocol';
import type { Locustfile } from '@locust-ts/worker';
import { type CustomOptionSpec, CustomArgumentParser } from './custom-arguments.js';
import { locustfileKind, resolveLocustfile } from './locustfile.js';
import { EXIT_INVALID, type ParseContext, UsageError, parseOptions } from './options.js';

export interface Prepared {
  /** the imported TypeScript locustfile, or null (none found yet, or a .py file) */
  file: Locustfile | null;
  customSpecs: CustomOptionSpec[];
}

const NO_HELP = new Set(['-h', '--help', '-V', '--version']);

/**
 * `beforeImport` runs before the locustfile is imported: modules that import '@locust-ts/worker'
 * must be loaded by then (afterwards that name resolves to the locustfile API only).
 */
export async function prepare(argv: readonly string[], context: ParseContext, beforeImport: () => Promise<void>): Promise<Prepared> {
  let locustfile: string;
  try {
    const first = parseOptions(
      argv.filter((a) => !NO_HELP.has(a)),
      { ...context, allowUnknown: true },
    );
    if (first.kind !== 'run') return { file: null, customSpecs: [] };
    locustfile = resolveLocustfile(first.options.locustfile);
  } catch {
    // the real parse (or run) reports it with its own message
    return { file: null, customSpecs: [] };
  }
  if (locustfileKind(locustfile) !== 'typescript') return { file: null, customSpecs: [] };
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
