/** `pnpm bench`: every benchmark, one after another. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCHES = ['bench/worker.ts'];

let failed = 0;
for (const bench of BENCHES) {
  console.log(`\n=== ${bench} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', bench], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
