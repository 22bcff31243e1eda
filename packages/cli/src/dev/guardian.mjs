// The dev swarm's guardian: a separate process that outlives `pnpm dev` only to clean up after it.
// Each part of the swarm runs in its own process group; `pnpm dev` writes every group id here, one
// per line. When this process's stdin closes, `pnpm dev` is gone — by a clean exit (its parts are
// already stopped, so the signals below reach nothing) or by SIGKILL/a crash (they would otherwise
// be orphans holding ports 8000/8089/5557) — so every group gets SIGTERM, then SIGKILL.
// Plain JavaScript on purpose: it must start without tsx and cost nothing.
const GRACE_MS = 3000;
const groups = new Set();
let pending = '';

function signalAll(signal) {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      groups.delete(pgid); // that group is already gone
    }
  }
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const pgid = Number(line);
    if (Number.isInteger(pgid) && pgid > 1) groups.add(pgid);
  }
});
process.stdin.on('end', () => {
  signalAll('SIGTERM');
  if (groups.size === 0) return;
  setTimeout(() => signalAll('SIGKILL'), GRACE_MS);
});
process.stdin.on('error', () => undefined);
