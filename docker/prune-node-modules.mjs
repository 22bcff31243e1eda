#!/usr/bin/env node
/**
 * Trims a production node_modules (pnpm layout) for an image, in the build stage:
 *  - zeromq ships prebuilt addons for every OS/arch/libc/glibc version (~34 MB); keep only those
 *    that load here (this stage runs the final image's Node and libc), rewrite its manifest to match;
 *  - drop files nothing reads at runtime: source maps, TypeScript declarations, Markdown docs.
 * Licences stay. Then loads zeromq once, so a pruning mistake fails the build, not a pod.
 *
 *   node docker/prune-node-modules.mjs /prod/node_modules
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** File names never read at runtime (tsx compiles our sources; no package loads these). */
const UNUSED_FILE = /\.(map|d\.ts|d\.mts|d\.cts|md|markdown|tsbuildinfo)$/i;
/** Kept whatever their extension: licence texts must ship with the code. */
const KEEP_FILE = /^(licen[cs]e|copying|notice)/i;

const root = resolve(process.argv[2] ?? '');
if (!process.argv[2] || !existsSync(join(root, '.pnpm'))) {
  console.error('usage: prune-node-modules.mjs NODE_MODULES_DIR (a pnpm install with node_modules/.pnpm)');
  process.exit(2);
}

let removedBytes = 0;
let removedFiles = 0;

/** Size of a file or tree (not following symlinks), for the summary line. */
function sizeOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += sizeOf(join(path, entry));
  return total;
}

function remove(path) {
  removedBytes += sizeOf(path);
  removedFiles += 1;
  rmSync(path, { recursive: true, force: true });
}

/** The libc cmake-ts's loader looks for on Linux (it checks for Alpine the same way). */
function hostLibc() {
  if (process.platform !== 'linux') return undefined;
  return existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/** True when `addon` loads in a fresh node (a glibc too old for it fails at dlopen). */
function loadsHere(addon) {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { stdio: 'ignore' }).status === 0;
}

/** Keeps the zeromq addons built for this os/arch/libc that load here; removes the rest of build/. */
function pruneZeromqPrebuilds(packageDir) {
  const buildDir = join(packageDir, 'build');
  const manifestPath = join(buildDir, 'manifest.json');
  if (!existsSync(manifestPath)) return;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const kept = {};
  for (const [key, addonPath] of Object.entries(manifest)) {
    const config = JSON.parse(key);
    const forHost = config.os === process.platform && config.arch === process.arch && config.libc === hostLibc();
    if (forHost && loadsHere(join(buildDir, addonPath))) {
      kept[key] = addonPath.replaceAll('\\', '/');
    }
  }
  if (Object.keys(kept).length === 0) {
    throw new Error(`zeromq has no prebuilt addon that loads on ${process.platform} ${process.arch} ${hostLibc()}: refusing to prune`);
  }
  const keptFiles = new Set(Object.values(kept).map((p) => join(buildDir, p)));
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (lstatSync(path).isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      } else if (path !== manifestPath && !keptFiles.has(path)) {
        remove(path);
      }
    }
  };
  walk(buildDir);
  writeFileSync(manifestPath, JSON.stringify(kept));
  console.log(`zeromq: kept ${Object.values(kept).join(', ')}`);
}

function pruneUnusedFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue; // pnpm's links; their targets are walked once, in .pnpm
    if (stat.isDirectory()) pruneUnusedFiles(path);
    else if (UNUSED_FILE.test(entry) && !KEEP_FILE.test(entry)) remove(path);
  }
}

const store = join(root, '.pnpm');
for (const entry of readdirSync(store)) {
  if (entry.startsWith('zeromq@')) pruneZeromqPrebuilds(join(store, entry, 'node_modules', 'zeromq'));
}
pruneUnusedFiles(store);
console.log(`pruned ${removedFiles} files, ${(removedBytes / 1e6).toFixed(1)} MB from ${root}`);

// Prove the trimmed zeromq still loads its addon here.
for (const entry of readdirSync(store).filter((e) => e.startsWith('zeromq@'))) {
  const zmq = createRequire(import.meta.url)(join(store, entry, 'node_modules', 'zeromq'));
  if (typeof zmq.Dealer !== 'function') throw new Error(`${entry} loaded without its socket classes`);
  console.log(`${entry} loads (libzmq ${zmq.version})`);
}
