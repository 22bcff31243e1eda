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
  /** the spread of each pod's (client address's) first arrival: how together the workers started, ms */
  podSpreadMs: number;
}

export interface PulseAtTarget {
  rising: EdgeAtTarget[];
  falling: EdgeAtTarget[];
  /** rising[k] → falling[k], s */
  onStages: number[];
  /** falling[k] → rising[k + 1], s */
  offStages: number[];
}

interface Arrival {
  time: number;
  /** client address without port: one per pod */
  pod: string;
}

/** Arrivals (one per user) grouped where consecutive ones are more than `gap` s apart. */
function groups(arrivals: Arrival[], gap = 1): EdgeAtTarget[] {
  const sorted = [...arrivals].sort((a, b) => a.time - b.time);
  const out: EdgeAtTarget[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i]!.time - sorted[i - 1]!.time <= gap) continue;
    const group = sorted.slice(start, i);
    const podFirst = new Map<string, number>();
    for (const a of group) if (!podFirst.has(a.pod)) podFirst.set(a.pod, a.time);
    const firsts = [...podFirst.values()];
    const first = group[0]!.time;
    const last = group.at(-1)!.time;
    out.push({ first, last, spreadMs: (last - first) * 1000, users: group.length, podSpreadMs: (Math.max(...firsts) - Math.min(...firsts)) * 1000 });
    start = i;
  }
  return out;
}

export function readPulse(accessLogPath: string): PulseAtTarget {
  const firstSeen = new Map<string, Arrival>();
  const stops = new Map<string, Arrival>();
  for (const line of parseAccessLog(readFileSync(accessLogPath, 'utf8'))) {
    const m = /[?&](u|stop)=([^&]+)/.exec(line.url);
    if (!m) continue;
    const map = m[1] === 'u' ? firstSeen : stops;
    if (!map.has(m[2]!)) map.set(m[2]!, { time: line.time, pod: line.client.replace(/:\d+$/, '') });
  }
  const rising = groups([...firstSeen.values()]);
  const falling = groups([...stops.values()]);
  const onStages = rising.map((r, k) => (falling[k] ? falling[k]!.first - r.first : NaN));
  const offStages = falling.slice(0, -1).map((f, k) => (rising[k + 1] ? rising[k + 1]!.first - f.first : NaN));
  return { rising, falling, onStages, offStages };
}

export function describePulse(p: PulseAtTarget): string {
  const edge = (e: EdgeAtTarget): string => `${e.users} users ${e.spreadMs.toFixed(1)} ms (pods' first ${e.podSpreadMs.toFixed(1)} ms)`;
  return (
    `rising: ${p.rising.map(edge).join(', ')}; falling: ${p.falling.map(edge).join(', ')}; ` +
    `on stages ${p.onStages.map((s) => s.toFixed(3)).join(', ')} s; off stages ${p.offStages.map((s) => s.toFixed(3)).join(', ')} s`
  );
}
