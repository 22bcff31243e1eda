/**
 * `locust-ts`: Locust's command line for the TypeScript master and worker.
 * `--worker` runs a worker, `--master` a master, neither a local run (master + worker(s) in one go,
 * like Locust's LocalRunner); `--processes N` forks N worker processes.
 */
// the versions module alone: --version and --help answer without loading ZeroMQ
import { LOCUST_PROTOCOL_VERSION, LOCUST_TS_RELEASE } from '@locust-ts/protocol/versions';
import { printError } from './log.js';
import { UsageError, parseOptions } from './options.js';

/** `locust-ts --version`: the release and the Locust protocol it speaks */
const version = `${LOCUST_TS_RELEASE} (Locust protocol ${LOCUST_PROTOCOL_VERSION})`;

async function main(argv: readonly string[]): Promise<number> {
  try {
    // the locustfile first: its initCommandLineParser listeners add options. Master and worker
    // are loaded just before it (importing it makes '@locust-ts/worker' resolve to the API only),
    // and not at all for usage errors without a locustfile
    let runModule: typeof import('./run.js') | null = null;
    const { prepare } = await import('./prepare.js');
    const prepared = await prepare(argv, { version }, async () => {
      runModule = await import('./run.js');
    });
    const result = parseOptions(argv, { version, extraSpecs: prepared.customSpecs });
    if (result.kind !== 'run') {
      process.stdout.write(`${result.text}\n`);
      return 0;
    }
    const { customOptionProblem } = await import('./custom-arguments.js');
    const problem = customOptionProblem(prepared.customSpecs, result.parsedOptions);
    if (problem) throw new UsageError(problem);
    const { run } = runModule ?? (await import('./run.js'));
    return await run(result.options, result.parsedOptions, prepared);
  } catch (err) {
    if (err instanceof UsageError) {
      printError(err.message);
      return err.exitCode;
    }
    printError(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    return 1;
  }
}

// exit explicitly: a ZeroMQ context or a keep-alive pool must not hold the process open
process.exit(await main(process.argv.slice(2)));
