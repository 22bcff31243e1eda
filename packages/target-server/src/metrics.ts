/**
 * `GET /metrics` (Prometheus text format): how many `/hello` requests the target answered and
 * how much CPU it spent on them, so the CPU per request an autoscaler sees can be read off the
 * target itself (`target_hello_cpu_seconds_total / target_hello_requests_total`).
 */
export class HelloMetrics {
  private requests = 0;
  private cpuMicros = 0;

  /** Counts one `/hello` and the CPU it took (user + system microseconds, from process.cpuUsage). */
  record(cpuMicros: number): void {
    this.requests += 1;
    this.cpuMicros += cpuMicros;
  }

  text(): string {
    const process_ = process.cpuUsage();
    return [
      '# HELP target_hello_requests_total GET /hello requests answered.',
      '# TYPE target_hello_requests_total counter',
      `target_hello_requests_total ${this.requests}`,
      '# HELP target_hello_cpu_seconds_total CPU time spent inside GET /hello handlers.',
      '# TYPE target_hello_cpu_seconds_total counter',
      `target_hello_cpu_seconds_total ${this.cpuMicros / 1e6}`,
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(process_.user + process_.system) / 1e6}`,
      '',
    ].join('\n');
  }
}
