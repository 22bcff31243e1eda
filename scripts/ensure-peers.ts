/**
 * `pnpm test`'s first step on any machine: the suite talks to real peers (Python Locust, pyzmq,
 * msgpack, chromium, `ip netns`, ...), so before vitest starts, every Debian package in
 * `.ci/apt-packages.txt` (the list `.ci/run` installs too) must be there. Missing ones are
 * installed when this runs as root with apt; otherwise it stops with one line naming them and the
 * command — never a traceback from a test that finds no peer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The list; tests point `LOCUST_TS_APT_PACKAGES` at another file. */
export const APT_PACKAGES_FILE = process.env.LOCUST_TS_APT_PACKAGES ?? join(ROOT, '.ci', 'apt-packages.txt');

/** The package names of the list (comments and blank lines dropped). */
export function readAptPackages(file = APT_PACKAGES_FILE): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}

/** Packages dpkg does not report as installed; null when there is no dpkg (not a Debian machine). */
export function missingPackages(packages: string[]): string[] | null {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...packages], { encoding: 'utf8' });
  if (query.error) return null;
  const installed = new Set(
    query.stdout
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => line.split(' ')[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

function fail(line: string): never {
  process.stderr.write(`locust-ts tests: ${line}\n`);
  process.exit(1);
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

function main(): void {
  const packages = readAptPackages();
  const missing = missingPackages(packages);
  const installLine = (names: string[]): string => `sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`;
  if (missing === null) fail(`cannot check the Debian packages the tests need (no dpkg-query); install: ${packages.join(' ')}`);
  if (missing.length > 0) {
    const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
    if (!canInstall) fail(`missing Debian packages: ${missing.join(' ')} — install them with: ${installLine(missing)}`);
    process.stderr.write(`locust-ts tests: installing missing Debian packages: ${missing.join(' ')}\n`);
    if (!run('apt-get', ['update']) || !run('apt-get', ['install', '-y', ...missing])) {
      fail(`apt-get could not install: ${missing.join(' ')} — try: ${installLine(missing)}`);
    }
    const still = missingPackages(missing) ?? missing;
    if (still.length > 0) fail(`still missing after apt-get install: ${still.join(' ')}`);
  }
  if (!existsSync('/usr/bin/locust')) fail('/usr/bin/locust is missing although python3-locust is installed — reinstall it: sudo apt-get install --reinstall -y python3-locust');
  const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  if (kubectl.error) fail('kubectl is missing (the deploy-tool tests check their output with it): install kubectl 1.32 from https://kubernetes.io/docs/tasks/tools/');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
