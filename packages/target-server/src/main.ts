#!/usr/bin/env tsx
/**
 * `pnpm --filter @locust-ts/target-server start`: serve the target until SIGTERM/SIGINT,
 * then close the server (in-flight requests finish) and exit 0.
 */
import { buildServer } from './server.js';
import { OptionsError, USAGE, parseOptions } from './options.js';

/** After a stop signal, in-flight requests get this long before connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

const log = (line: string): void => {
  process.stdout.write(`[target-server] ${line}\n`);
};

async function main(): Promise<void> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    process.stderr.write(`[target-server] error: ${err.message} (see --help)\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const app = buildServer({ knobs: options.knobs, accessLog: options.accessLog });
  // before listening: whoever saw the 'listening on' line may signal at once
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second signal (e.g. the whole process group got one) must not interrupt the clean close.
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      app.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    void app.close().then(
      () => {
        log(`${signal} received, server closed, exiting`);
        process.exit(0);
      },
      (err: Error) => {
        process.stderr.write(`[target-server] error while closing: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await app.listen({ host: options.host, port: options.port, backlog: options.backlog });
  } catch (err) {
    process.stderr.write(`[target-server] error: cannot listen on ${options.host}:${options.port}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const { latencyMs, errorRatio, cpuMs } = options.knobs;
  log(`listening on http://${options.host}:${port} (latency_ms=${latencyMs} error_ratio=${errorRatio} cpu_ms=${cpuMs})`);
}

await main();
