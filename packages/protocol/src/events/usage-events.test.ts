// Locust's monitor_cpu_and_memory sample (runners.py): `cpu_warning` on every sample above
// CPU_WARNING_THRESHOLD (90), `usage_monitor` on every sample, both with the environment.
import { describe, expect, it } from 'vitest';
import { Events, type Environment, fireUsageEvents } from './events.js';

describe('usage samples', () => {
  it('fire cpuWarning above 90 % only, usageMonitor on each sample', () => {
    const events = new Events();
    const environment = { events } as unknown as Environment;
    const seen: string[] = [];
    events.cpuWarning.addListener((a) => seen.push(`cpuWarning ${a.cpuUsage} ${a.environment === environment}`));
    events.usageMonitor.addListener((a) => seen.push(`usageMonitor ${a.cpuUsage} ${a.memoryUsage}`));
    for (const cpu of [50, 90, 90.5, 120]) fireUsageEvents(environment, cpu, 1000);
    expect(seen).toEqual([
      'usageMonitor 50 1000',
      'usageMonitor 90 1000',
      'cpuWarning 90.5 true',
      'usageMonitor 90.5 1000',
      'cpuWarning 120 true',
      'usageMonitor 120 1000',
    ]);
  });
});
