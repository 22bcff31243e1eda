/**
 * What `--otel` records, with the newest Locust's names (`locust/opentelemetry.py`):
 * - `locust.client.duration` (histogram, s): every `request` event, attributes `name` (the first 20
 *   names, then "Too many unique request names") and, for a failure, `error.type` (the exception's
 *   class name: `HTTPError`, `CatchResponseError`, `ConnectionRefusedError`, ...);
 * - `locust.users.count` (observable gauge, `{user}`): the runner's users per `user_class`.
 * The spans are http-spans.ts's.
 */
import type { Attributes, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import type { LocustRunner, RequestEventArgs } from '@locust-ts/protocol';

/** Locust's MAX_REQUEST_NAMES: more distinct names share one attribute value. */
export const MAX_REQUEST_NAMES = 20;
export const TOO_MANY_NAMES = 'Too many unique request names';

/** `HTTPError('500 Server Error: ...')` → `HTTPError`; an Error → its class name. */
export function errorType(exception: unknown): string {
  if (exception instanceof Error) return exception.constructor.name || exception.name;
  const text = String(exception);
  const match = /^([A-Za-z_][\w.]*)\(/.exec(text);
  return match ? match[1]! : 'Exception';
}

export class RequestTelemetry {
  private readonly names = new Set<string>();
  private readonly duration: Histogram;
  private usersGauge: ObservableGauge | null = null;

  constructor(private readonly meter: Meter) {
    this.duration = meter.createHistogram('locust.client.duration', { unit: 's', description: 'Time to last byte for requests' });
  }

  /** The `request` event listener. */
  readonly onRequest = (args: RequestEventArgs): void => {
    const failed = args.exception !== null && args.exception !== undefined;
    let attributes: Attributes;
    if (this.names.has(args.name) || this.names.size < MAX_REQUEST_NAMES) {
      this.names.add(args.name);
      attributes = { name: args.name };
    } else attributes = { name: TOO_MANY_NAMES };
    if (failed) attributes['error.type'] = errorType(args.exception);
    this.duration.record(args.responseTime / 1000, attributes);
  };

  /** Locust's `init` listener: the users gauge, once the runner exists. */
  observeUsers(runner: LocustRunner): void {
    if (this.usersGauge) return;
    this.usersGauge = this.meter.createObservableGauge('locust.users.count', { unit: '{user}', description: 'Number of currently running Locust users' });
    this.usersGauge.addCallback((result) => {
      for (const [userClass, count] of Object.entries(runner.userClassesCount)) result.observe(count, { user_class: userClass });
    });
  }
}
