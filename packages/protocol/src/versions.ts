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

/** Debian's packaged Locust announces an empty version; it is this release. */
export const DEBIAN_LOCUST_VERSION = '2.12.1';

function releaseParts(version: string): number[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [2, 12, 1];
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
    const [a, b] = [releaseParts(release), oldest === null ? null : releaseParts(oldest)];
    if (b === null || a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! < b[2]!)))) oldest = release;
  }
  return oldest ?? LOCUST_PROTOCOL_VERSION;
}
