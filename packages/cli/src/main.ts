/**
 * `locust-ts`: Locust's command line for the TypeScript master and worker.
 * `--worker` runs a worker, `--master` a master, neither a local run (master + worker(s) in one go,
 * like Locust's LocalRunner); `--processes N` forks N worker processes.
 */
import { readFileSync } from 'node:fs';
import { printError } from './log.js';
import { UsageError, parseOptions } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

async function main(argv: readonly string[]): Promise<number> {
  try {
    const result = parseOptions(argv, { version });
    if (result.kind !== 'run') {
      process.stdout.write(`${result.text}\n`);
      return 0;
    }
    // loaded only for a run: --help and usage errors answer without importing master and worker
    const { run } = await import('./run.js');
    return await run(result.options, result.parsedOptions);
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
