/**
 * The packages as the container image ships them, for benchmarks: a copy of the workspace
 * packages in a temporary directory, precompiled to JavaScript by the image's own step
 * (docker/precompile.mjs). A checkout runs the TypeScript through tsx's loader, whose hooks
 * thread alone holds ~33 MiB; a pod runs plain Node on the compiled files, and that is the master
 * a memory figure should describe. Each copied package's node_modules links the checkout's
 * installed dependencies, and its workspace dependencies to the other copies (so nothing in the
 * copy loads the checkout's TypeScript).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKSPACE_SCOPE = '@locust-ts';

function linkDependencies(root: string, copy: string, pkg: string): void {
  const from = join(root, 'packages', pkg, 'node_modules');
  const to = join(copy, 'packages', pkg, 'node_modules');
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name === '.bin') continue;
    if (name === WORKSPACE_SCOPE) {
      mkdirSync(join(to, name));
      for (const dep of readdirSync(join(from, name))) symlinkSync(join(copy, 'packages', dep), join(to, name, dep));
    } else if (name.startsWith('@')) {
      mkdirSync(join(to, name));
      for (const dep of readdirSync(join(from, name))) symlinkSync(realpathSync(join(from, name, dep)), join(to, name, dep));
    } else {
      symlinkSync(realpathSync(join(from, name)), join(to, name));
    }
  }
}

/** Make the compiled copy; returns its root (holding packages/). */
export function compiledCopy(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'locust-ts-compiled-'));
  const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'package.json')));
  for (const pkg of packages) {
    cpSync(join(root, 'packages', pkg), join(copy, 'packages', pkg), { recursive: true, filter: (src) => !src.includes('node_modules') });
  }
  for (const pkg of packages) linkDependencies(root, copy, pkg);
  cpSync(join(root, 'tsconfig.base.json'), join(copy, 'tsconfig.base.json'));
  execFileSync(process.execPath, [join(root, 'docker', 'precompile.mjs'), copy], { stdio: 'ignore' });
  return copy;
}
