/**
 * Reads a square pulse back from the target's access log (what reached the target, not what the
 * master claims): each user's first request (`u=<id>`) and its stop request (`stop=<id>`, sent
 * by onStop), grouped into edges where the times jump by more than a second.
 */
import { readFileSync } from 'node:fs';
import { parseAccessLog } from '@locust-ts/target-server';

export interface EdgeAtTarget {
  /** epoch s of the first user's request */
  first: number;
  /** epoch s of the last user's first request */
  last: number;
  spreadMs: number;
  users: number;
}

export interface PulseAtTarget {
  rising: EdgeAtTarget[];
  falling: EdgeAtTarget[];
  /** rising[k] → falling[k], s */
  onStages: number[];
  /** falling[k] → rising[k + 1], s */
  offStages: number[];
}

/** Times (one per user) grouped where consecutive ones are more than `gap` s apart. */
function groups(times: number[], gap = 1): EdgeAtTarget[] {
  const sorted = [...times].sort((a, b) => a - b);
  const out: EdgeAtTarget[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i]! - sorted[i - 1]! <= gap) continue;
    const first = sorted[start]!;
    const last = sorted[i - 1]!;
    out.push({ first, last, spreadMs: (last - first) * 1000, users: i - start });
    start = i;
  }
  return out;
}

export function readPulse(accessLogPath: string): PulseAtTarget {
  const firstSeen = new Map<string, number>();
  const stops = new Map<string, number>();
  for (const line of parseAccessLog(readFileSync(accessLogPath, 'utf8'))) {
    const m = /[?&](u|stop)=([^&]+)/.exec(line.url);
    if (!m) continue;
    const map = m[1] === 'u' ? firstSeen : stops;
    if (!map.has(m[2]!)) map.set(m[2]!, line.time);
  }
  const rising = groups([...firstSeen.values()]);
  const falling = groups([...stops.values()]);
  const onStages = rising.map((r, k) => (falling[k] ? falling[k]!.first - r.first : NaN));
  const offStages = falling.slice(0, -1).map((f, k) => (rising[k + 1] ? rising[k + 1]!.first - f.first : NaN));
  return { rising, falling, onStages, offStages };
}

export function describePulse(p: PulseAtTarget): string {
  const edge = (e: EdgeAtTarget): string => `${e.users} users ${e.spreadMs.toFixed(1)} ms`;
  return (
    `rising: ${p.rising.map(edge).join(', ')}; falling: ${p.falling.map(edge).join(', ')}; ` +
    `on stages ${p.onStages.map((s) => s.toFixed(3)).join(', ')} s; off stages ${p.offStages.map((s) => s.toFixed(3)).join(', ')} s`
  );
}
