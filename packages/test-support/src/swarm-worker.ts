/** A locust-ts worker process for the master tests: `ts-worker.ts <locustfile.ts> <master port>`. */
import { loadLocustfile, runWorker } from '@locust-ts/worker';

const [locustfile, port] = process.argv.slice(2);
if (!locustfile || !port) {
  process.stderr.write('usage: ts-worker.ts <locustfile.ts> <master port>\n');
  process.exit(2);
}
const lf = await loadLocustfile(locustfile);
const worker = runWorker({ userClasses: lf.userClasses, masterHost: '127.0.0.1', masterPort: Number(port) });
const exit = await worker.done;
process.exit(exit.exitCode);
