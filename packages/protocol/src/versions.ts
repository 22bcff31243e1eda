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
