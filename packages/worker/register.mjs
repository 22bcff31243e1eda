// Run a locustfile as a script, for runSingleUser (Locust's run_single_user) in a debugger:
//
//   node --import /path/to/locust-ts/packages/worker/register.mjs --inspect-brk locustfile.ts
//
// TypeScript through tsx's loader (as the locust-ts command), `import … from 'locust-ts'` resolved
// to this worker's API, and runSingleUser enabled (it does nothing in a process the CLI started).
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('locust-ts.singleUserProcess')] = true;
const { installApiResolver } = await import('./src/locustfile/load.ts');
installApiResolver();
