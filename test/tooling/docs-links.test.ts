/**
 * The README and docs/*.md stay true to the tree: every relative link (and its #anchor) leads
 * somewhere, every backticked repo path exists, docs/cli.md names every flag `locust-ts --help`
 * prints (and no flag it does not), and docs/architecture.md's package list is the package.json
 * files' workspace dependencies. A page that names a moved file, a renamed heading or a new
 * package fails here with the page and the name.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TS_NODE_ARGS } from '@locust-ts/test-support/paths';

const PAGES = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
/** Top-level folders whose paths the pages name in backticks (repo-rooted, as the pages write them). */
const REPO_DIRS = ['packages', 'test', 'docs', 'scripts', 'examples', 'deploy', 'docker', 'bench', '.ci'];

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The page's prose: fenced code blocks blanked out (a path or link in an example is not a claim). */
function prose(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('the README and docs/', () => {
  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of PAGES) {
      const text = prose(read(page));
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const path = file ? relative(REPO_ROOT, join(REPO_ROOT, dirname(page), file)) : page;
        checked += 1;
        if (!existsSync(join(REPO_ROOT, path))) {
          broken.push(`${page}: ${target} (no ${path})`);
          continue;
        }
        if (anchor && path.endsWith('.md') && !anchors(read(path)).has(anchor)) broken.push(`${page}: ${target} (no heading #${anchor} in ${path})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('name only repo paths that exist', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const page of PAGES) {
      const text = prose(read(page));
      for (const m of text.matchAll(/`([^`\s]+)`/g)) {
        const path = m[1]!.replace(/[.,:;]$/, '');
        if (!REPO_DIRS.some((dir) => path.startsWith(`${dir}/`))) continue;
        if (text.slice(0, m.index).endsWith("Locust's ")) continue; // a path in Locust's repository
        if (/[*<>{}…|]/.test(path)) continue; // a pattern or placeholder, not a path
        checked += 1;
        if (!existsSync(join(REPO_ROOT, path))) missing.push(`${page}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('docs/cli.md names every flag of `locust-ts --help`, and no flag it lacks', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [...TS_NODE_ARGS, join(REPO_ROOT, 'packages/cli/bin/locust-ts.mjs'), '--help'], { timeout: 45_000 });
    const helpFlags = new Set([...stdout.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
    expect(helpFlags.size).toBeGreaterThan(40);
    const page = prose(read('docs/cli.md'));
    const pageFlags = new Set([...page.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
    expect([...helpFlags].filter((f) => !pageFlags.has(f)), 'in --help, not in docs/cli.md').toEqual([]);
    expect([...pageFlags].filter((f) => !helpFlags.has(f)), 'in docs/cli.md, not in --help').toEqual([]);
  });

  it("docs/architecture.md lists each package's workspace dependencies as its package.json has them", () => {
    const manifests = [...readdirSync(join(REPO_ROOT, 'packages')).map((p) => `packages/${p}/package.json`), 'deploy/package.json'].filter((p) => existsSync(join(REPO_ROOT, p)));
    const actual = new Map<string, string[]>();
    for (const path of manifests) {
      const json = JSON.parse(read(path)) as { name: string; dependencies?: Record<string, string> };
      const short = (name: string) => name.replace(/^@locust-ts\//, '');
      const deps = Object.keys(json.dependencies ?? {}).filter((d) => d.startsWith('@locust-ts/')).map(short).sort();
      actual.set(short(json.name), deps);
    }
    const block = /<!-- package-deps -->\n```\n([\s\S]*?)```/.exec(read('docs/architecture.md'));
    expect(block, 'docs/architecture.md has a <!-- package-deps --> block').not.toBeNull();
    const documented = new Map<string, string[]>();
    for (const line of block![1]!.trim().split('\n')) {
      const [name, deps] = line.split('->').map((s) => s.trim()) as [string, string];
      documented.set(name, deps === '(none)' ? [] : deps.split(',').map((d) => d.trim()).sort());
    }
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
