/** The run's history for the charts and the HTML report: one point a second while a test runs. */
import { type RequestStats, nowSeconds } from '@locust-ts/protocol';
import { currentResponseTimePercentile } from '../report/percentiles.js';
import type { HistoryPoint, IntendedLoad } from './runner-view.js';

/** History sampling period for charts and reports, seconds. */
export const HISTORY_INTERVAL_SECONDS = 1;
/** History kept: one point a second for a day. */
const HISTORY_POINTS_KEPT = 86_400;

export class History {
  private points: HistoryPoint[] = [];

  sample(stats: RequestStats, userCount: number, intended: IntendedLoad | null): void {
    const total = stats.total;
    const now = nowSeconds();
    this.points.push({
      time: now,
      userCount,
      currentRps: total.currentRps(total),
      currentFailPerSec: total.currentFailPerSec(total),
      currentResponseTimePercentile50: currentResponseTimePercentile(total, 0.5, now),
      currentResponseTimePercentile95: currentResponseTimePercentile(total, 0.95, now),
      totalAvgResponseTime: total.avgResponseTime,
      intended,
    });
    if (this.points.length > HISTORY_POINTS_KEPT) this.points.shift();
  }

  clear(): void {
    this.points = [];
  }

  list(): HistoryPoint[] {
    return [...this.points];
  }
}
