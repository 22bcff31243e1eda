/**
 * `pnpm dev`'s status line, built from the master's `GET /stats/requests`. It prints when the
 * swarm's shape changes (workers, state, users) and, at most every {@link RPS_REFRESH_MS}, when only
 * the RPS changed: a line printed once at a state change showed the RPS of that moment (0.0 just
 * after a spawn, or a spike while the first reports arrive) and then never caught up with the UI.
 */

/** How often a line with only a new RPS may be printed. */
export const RPS_REFRESH_MS = 10_000;

/** The web UI's rounding of the header's RPS (two decimals, no trailing zeros). */
export function uiRps(value: unknown): string {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : 0;
  return String(Math.round(n * 100) / 100);
}

export class StatusLine {
  private lastShape = '';
  private lastRps = '';
  private lastPrintMs = -Infinity;

  constructor(
    private readonly expectedWorkers: number,
    private readonly webUrl: string,
  ) {}

  /** The line to print for this `/stats/requests` answer, or null when nothing worth a line changed. */
  next(stats: Record<string, unknown>, nowMs: number): string | null {
    const shape =
      `workers ${String(stats.worker_count ?? '?')}/${this.expectedWorkers} · state ${String(stats.state ?? '?')} · ` +
      `users ${String(stats.user_count ?? 0)}`;
    // the header RPS of the UI: `total_rps`, as the newest Locust's web UI shows it
    const rps = uiRps(stats.total_rps);
    const shapeChanged = shape !== this.lastShape;
    if (!shapeChanged && (rps === this.lastRps || nowMs - this.lastPrintMs < RPS_REFRESH_MS)) return null;
    this.lastShape = shape;
    this.lastRps = rps;
    this.lastPrintMs = nowMs;
    return `${shape} · ${rps} RPS · UI ${this.webUrl}`;
  }

  /** A failure line (master not answering) always prints once, and the next answer prints again. */
  failed(text: string): string | null {
    if (this.lastShape === text) return null;
    this.lastShape = text;
    this.lastRps = '';
    return text;
  }
}
