/**
 * `pnpm dev`: target server (8000) + locust-ts master with the web UI (8089) + 4 TypeScript
 * workers on 127.0.0.1. `pnpm dev --help` lists the options; Ctrl-C stops everything.
 */
import { DEV_HELP, DevUsageError, parseDevOptions } from '../packages/cli/src/dev/dev-options.js';
import { DevSwarm } from '../packages/cli/src/dev/swarm.js';
import { onShutdownSignals } from '../packages/cli/src/signals.js';

let options;
try {
  options = parseDevOptions(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof DevUsageError)) throw err;
  process.stderr.write(`pnpm dev: error: ${err.message}\n`);
  process.exit(2);
}
if (options === null) {
  process.stdout.write(`${DEV_HELP}\n`);
  process.exit(0);
}

const swarm = new DevSwarm(options);
onShutdownSignals(
  (signal) => swarm.requestStop(`got ${signal}`),
  // a second Ctrl-C while stopping: the parts are in their own process groups, kill them now
  () => {
    swarm.killNow();
    process.exit(130);
  },
);
process.exitCode = await swarm.run();
