/**
 * Versions on the wire. Locust masters and workers exchange one version string (`client_ready`);
 * a Locust master only compares its first 4 characters and warns on a mismatch, so the string can
 * carry a mark after the version. locust-ts uses that mark to recognise its own workers, which
 * understand the `locust_ts_*` extensions (synchronized edges, clock offsets, arrival rates) that
 * Python workers never see.
 */

/** locust-ts's own release (what the master and `-V` announce). */
export const LOCUST_TS_RELEASE = '0.2.0';

/** The Locust release whose protocol locust-ts speaks (the newest one it was checked against). */
export const LOCUST_PROTOCOL_VERSION = '2.46.3';

/** The mark after the Locust version in a locust-ts worker's `client_ready`. */
export const LOCUST_TS_WORKER_MARK = '+locust-ts';

/** What a locust-ts worker announces: a Locust version a Python master accepts, plus the mark. */
export const LOCUST_TS_WORKER_VERSION = `${LOCUST_PROTOCOL_VERSION}${LOCUST_TS_WORKER_MARK}.${LOCUST_TS_RELEASE}`;

/** The protocol a worker speaks, from the version it announced. */
export interface WorkerDialect {
  /**
   * '2.12': Locust 2.12.x, Debian's packaged Locust (empty version) and anything older — no master
   * heartbeats, no `spawning_complete` broadcast; 'newest': everything after.
   */
  protocol: '2.12' | 'newest';
  /** a locust-ts worker: it takes part in the `locust_ts_*` extensions */
  locustTs: boolean;
}

/** Decode a `client_ready` version (a string, "" from Debian's Locust, -1 from some tools, or null). */
export function workerDialect(version: unknown): WorkerDialect {
  if (typeof version !== 'string' || version === '') return { protocol: '2.12', locustTs: false };
  const locustTs = version.includes(LOCUST_TS_WORKER_MARK);
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return { protocol: 'newest', locustTs };
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const old = major < 2 || (major === 2 && minor <= 12);
  return { protocol: old ? '2.12' : 'newest', locustTs };
}

/** The Locust version a master of the 2.12 protocol is (Debian's packaged Locust, this machine's peer). */
export const LOCUST_2_12_VERSION = '2.12.1';

/** The first 4 characters Locust compares versions by (`"2.12"` vs `"2.46"`, runners.py). */
const VERSION_PREFIX_LENGTH = 4;

/** What a master says about a worker's `client_ready` version: a line and its level, or nothing. */
export interface VersionNotice {
  level: 'debug' | 'info' | 'warning';
  text: string;
}

/**
 * Locust's version check (runners.py, `client_ready`), as a locust-ts master applies it.
 *
 * - A locust-ts worker is compared by its locust-ts release: the same release says nothing (every
 *   local run and `pnpm dev` has one), another patch of it is a debug line, another release a warning.
 * - A Python worker is compared as the Locust master of the protocol this master speaks to it would
 *   compare it: a 2.12 worker with 2.12.1, a newer one with {@link LOCUST_PROTOCOL_VERSION}. Equal
 *   says nothing; the same first 4 characters is Locust's debug line; else Locust's warning.
 * - `-1` (tools that skip the check) says nothing, as in Locust.
 * - An empty version (Debian's packaged Locust 2.12.1) is refused by a Locust master ("An old (pre
 *   2.0) worker"); this master accepts it as a 2.12 worker and says so once at INFO.
 */
export function versionNotice(workerId: string, announced: unknown): VersionNotice | null {
  if (announced === -1) return null;
  if (typeof announced !== 'string' || announced === '') {
    return { level: 'info', text: `Worker ${workerId} sent an empty version (Debian's packaged Locust does); accepting it as a Locust 2.12 worker` };
  }
  const mark = announced.indexOf(LOCUST_TS_WORKER_MARK);
  if (mark >= 0) {
    const release = announced.slice(mark + LOCUST_TS_WORKER_MARK.length).replace(/^\./, '');
    return compare(workerId, release, LOCUST_TS_RELEASE, 'locust-ts ');
  }
  const master = workerDialect(announced).protocol === '2.12' ? LOCUST_2_12_VERSION : LOCUST_PROTOCOL_VERSION;
  return compare(workerId, announced, master, '');
}

function compare(workerId: string, worker: string, master: string, product: string): VersionNotice | null {
  if (worker === master) return null;
  if (worker.slice(0, VERSION_PREFIX_LENGTH) === master.slice(0, VERSION_PREFIX_LENGTH)) {
    return {
      level: 'debug',
      text: `A worker (${workerId}) running a different patch version (${product}${worker}) connected, master version is ${product}${master}`,
    };
  }
  return { level: 'warning', text: `A worker (${workerId}) running a different version (${product}${worker}) connected, master version is ${product}${master}` };
}

/** Debian's packaged Locust announces an empty version; it is this release. */
export const DEBIAN_LOCUST_VERSION = LOCUST_2_12_VERSION;

/** `a >= b` for dotted release numbers ('' or unparsable reads as Debian's 2.12.1). */
export function versionAtLeast(a: string, b: string): boolean {
  const parse = (v: string) => {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [2, 12, 1];
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return true;
}

/**
 * The Locust release whose failure texts a master's locust-ts workers write (`locust_ts_texts`):
 * that of its Python workers ('' is Debian's 2.12.1; the oldest when they differ, whose rows
 * then merge), or the newest when it has none. Texts differ between releases (error-text.ts).
 */
export function textsVersionFor(workerVersions: Iterable<string | number | null>): string {
  let oldest: string | null = null;
  for (const v of workerVersions) {
    if (typeof v === 'string' && v.includes(LOCUST_TS_WORKER_MARK)) continue;
    const release = typeof v === 'string' && /^\d+\.\d+/.test(v) ? v.replace(/\+.*$/, '') : DEBIAN_LOCUST_VERSION;
    if (oldest === null || !versionAtLeast(release, oldest)) oldest = release;
  }
  return oldest ?? LOCUST_PROTOCOL_VERSION;
}
