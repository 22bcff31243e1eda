// Run a locustfile as a script, for runSingleUser (Locust's run_single_user) in a debugger:
//
//   node --import /path/to/locust-ts/packages/worker/register.mjs --inspect-brk locustfile.ts
//
// The engine's TypeScript through tsx's loader (as the locust-ts command in a checkout); the
// locustfile compiled with source maps and `import … from 'locust-ts'` resolved to this worker's
// API by the locustfile hooks (api-link.ts); runSingleUser enabled (it does nothing in a process
// the CLI started).
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('locust-ts.singleUserProcess')] = true;
const { installLocustfileHooks } = await import('./src/locustfile/api-link.ts');
installLocustfileHooks();
