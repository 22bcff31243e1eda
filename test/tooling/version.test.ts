/**
 * One version everywhere: the root package.json's (what `pnpm package` stamps on the tarball) is
 * the one the master and `--version` announce, the workspace packages carry, the images are tagged
 * with (docker/images.env, the manifests, the README and docs/) and the CHANGELOG names.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LOCUST_PROTOCOL_VERSION, LOCUST_TS_RELEASE } from '@locust-ts/protocol/versions';
import { REPO_ROOT, TS_NODE_ARGS } from '@locust-ts/test-support/paths';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const VERSION = JSON.parse(read('package.json')).version as string;
/** every `locust-ts:TAG` / `locust-ts-target:TAG` image reference in a text */
const imageTags = (text: string) => [...text.matchAll(/\blocust-ts(?:-target)?:(\d+\.\d+\.\d+\S*?)\b/g)].map((m) => m[1]);

function yamlFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : entry.name.endsWith('.yaml') ? [join(dir, entry.name)] : [],
  );
}

describe('the version', () => {
  it('is a release number in package.json, announced by the master and workers', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(LOCUST_TS_RELEASE).toBe(VERSION);
  });

  it('is every workspace package version', () => {
    const manifests = [...readdirSync(join(REPO_ROOT, 'packages')).map((p) => `packages/${p}/package.json`), 'deploy/package.json'];
    for (const path of manifests) expect(JSON.parse(read(path)).version, path).toBe(VERSION);
  });

  it('tags the images in docker/, the manifests, the README and docs/', () => {
    const docs = readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    const files = ['docker/images.env', 'docker/Dockerfile.locust', 'docker/Dockerfile.target', 'README.md', ...docs, ...yamlFiles('deploy/manifests')];
    let seen = 0;
    for (const path of files) {
      for (const tag of imageTags(read(path))) {
        expect(tag, path).toBe(VERSION);
        seen += 1;
      }
    }
    expect(seen).toBeGreaterThan(5);
  });

  it('has a CHANGELOG entry', () => {
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('is what `locust-ts --version` prints, with the Locust protocol', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [...TS_NODE_ARGS, join(REPO_ROOT, 'packages/cli/bin/locust-ts.mjs'), '--version'], { timeout: 45_000 });
    expect(stdout).toBe(`locust-ts ${VERSION} (Locust protocol ${LOCUST_PROTOCOL_VERSION})\n`);
  });
});
