/**
 * The worker's end of the arrival-rate extension (contract K3): validates `locust_ts_rate` from
 * the master at the wire's edge, drives the {@link ArrivalExecutor}, and adds the dropped
 * iterations to each stats report (`locust_ts_dropped`, a delta like the rest of the report).
 */
import { type ArrivalRateData, MessageValidationError, type StatsReportData, type UserClassesCount, parseArrivalRateData } from '@locust-ts/protocol';
import type { Logger } from '../logger.js';
import { ArrivalExecutor } from '../runtime/arrival-executor.js';
import type { ArrivalUserHost } from '../runtime/arrival-user.js';
import type { UserClassInfo } from '../runtime/user-class-info.js';
import type { UserEnvironment } from '../user.js';

export interface ArrivalLinkHost extends ArrivalUserHost {
  /** a rate > 0 arrives while no arrival-rate test runs here: the worker enters the test */
  starting(): void;
}

/** The environment a worker shares with its users; the rate message may set its host. */
type MutableEnvironment = UserEnvironment & { host: string | undefined };

export class ArrivalRateLink {
  private readonly executor: ArrivalExecutor;
  private lastTimestamp = -Infinity;
  /** the host from `-H`, used when the master sends none */
  private readonly hostOverride: string | undefined;

  constructor(
    classes: readonly UserClassInfo[],
    private readonly environment: MutableEnvironment,
    private readonly logger: Logger,
    private readonly host: ArrivalLinkHost,
  ) {
    this.hostOverride = environment.host;
    this.executor = new ArrivalExecutor(new Map(classes.map((c) => [c.name, c])), environment, host);
  }

  get userCount(): number {
    return this.executor.userCount;
  }

  /** `counts` plus the arrival-rate users per class. */
  addCounts(counts: UserClassesCount): UserClassesCount {
    if (this.executor.userCount === 0) return counts;
    for (const [name, n] of Object.entries(this.executor.counts())) counts[name] = (counts[name] ?? 0) + n;
    return counts;
  }

  /** Put the iterations dropped since the last report into `report` (only when there are some). */
  addDropped(report: StatsReportData): StatsReportData {
    const dropped = this.executor.takeDropped();
    if (dropped > 0) report.locust_ts_dropped = dropped;
    return report;
  }

  onRate(raw: unknown): void {
    let data: ArrivalRateData;
    try {
      data = parseArrivalRateData(raw);
    } catch (err) {
      if (!(err instanceof MessageValidationError)) throw err;
      this.logger.warning(`Ignoring a bad arrival rate from the master: ${err.message}`);
      return;
    }
    if (data.timestamp <= this.lastTimestamp) {
      this.logger.debug('Discarding an arrival rate older than the one applied');
      return;
    }
    this.lastTimestamp = data.timestamp;
    if (data.rate > 0 && !this.executor.active) {
      this.host.starting();
      if (this.executor.userCount === 0) this.executor.resetCounters();
    }
    if (data.host !== undefined) this.environment.host = data.host ?? this.hostOverride;
    const unknown = this.executor.apply({
      rate: data.rate,
      maxUsers: data.max_users,
      ...(data.user_classes_count ? { userClassesCount: data.user_classes_count } : {}),
    });
    if (unknown.length > 0) this.logger.error(`Master asked for user classes this worker does not have: ${unknown.join(', ')}`);
    this.logger.debug(() => `Arrival rate ${data.rate.toFixed(2)}/s, at most ${data.max_users} users`);
  }

  /** Stop the iterations and retire the users (the test stops, or this worker quits). */
  stop(): Promise<void> {
    this.lastTimestamp = -Infinity;
    return this.executor.stop();
  }
}
