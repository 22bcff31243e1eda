/**
 * `pnpm test`'s set-up step on a machine without the real peers: one line naming the missing
 * Debian packages and the command, exit 1 — never a traceback. Run as an unprivileged user so it
 * cannot reach for apt; the list it reads is the one `.ci/run` installs from.
 *
 * That user may not reach the checkout at all (root's home is mode 700 on Debian): the script
 * (node: imports only) is transpiled into a world-readable scratch dir and run there by plain Node.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TS_NODE_ARGS } from '@locust-ts/test-support/paths';

const NOBODY = '65534';
const scratch = mkdtempSync(join(tmpdir(), 'lt13-peers-'));
chmodSync(scratch, 0o755); // readable by the unprivileged user
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** scripts/ensure-peers.ts as plain JavaScript in the scratch dir (it imports only node: modules). */
function scratchScript(): string {
  const source = readFileSync(join(REPO_ROOT, 'scripts', 'ensure-peers.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const file = join(scratch, 'ensure-peers.mjs');
  writeFileSync(file, outputText, { mode: 0o644 });
  return file;
}

function runCheck(list: string, asNobody: boolean): { status: number | null; stderr: string } {
  const file = join(scratch, `list-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, list);
  // as nobody: plain Node on the scratch copy, from the scratch dir (the checkout may be unreachable)
  const node = asNobody ? [process.execPath, scratchScript()] : [process.execPath, ...TS_NODE_ARGS, join(REPO_ROOT, 'scripts', 'ensure-peers.ts')];
  const [cmd, ...args] = asNobody ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...node] : node;
  const result = spawnSync(cmd!, args, { cwd: asNobody ? scratch : REPO_ROOT, encoding: 'utf8', env: { ...process.env, LOCUST_TS_APT_PACKAGES: file }, timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('pnpm test on a bare machine', () => {
  it('stops with one line naming each missing package and the apt command', () => {
    const { status, stderr } = runCheck('python3-locust   # present\nlt13-no-such-peer\n\n# comment\nlt13-other-missing\n', true);
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'locust-ts tests: missing Debian packages: lt13-no-such-peer lt13-other-missing — install them with: ' +
        'sudo apt-get update && sudo apt-get install -y lt13-no-such-peer lt13-other-missing',
    ]);
  });

  it('passes silently when every package of the real list is installed', () => {
    const { status, stderr } = runCheck(readFileSync(join(REPO_ROOT, '.ci', 'apt-packages.txt'), 'utf8'), false);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('.ci/run installs from the same list', () => {
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/APT_PACKAGES < <\(.*\.ci\/apt-packages\.txt\)/);
    const listed = spawnSync('bash', ['-c', `source <(sed -n '/^mapfile -t APT_PACKAGES/p' .ci/run); printf '%s\\n' "\${APT_PACKAGES[@]}"`], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(listed.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['python3-locust', 'python3-zmq', 'python3-msgpack', 'chromium', 'iproute2', 'nftables', 'faketime']));
  });
});
