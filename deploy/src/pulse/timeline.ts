/**
 * One sample per second of the pulse: the master's load figures plus the target's scaling —
 * from the master's own scale watch (`GET /scale`, K5) when it has one, else read from the
 * cluster here. Formats the live line, the closing figures and the timeline CSV.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Cluster } from '../cluster.js';
import type { MasterStats, ScaleReport } from './master-api.js';

/** Sample fields, named as the master's scale samples (K5) so assertions read the same either way. */
export const SAMPLE_FIELDS = [
  'time', 'userCount', 'rps', 'p95', 'failRatio', 'failures',
  'desiredReplicas', 'readyReplicas', 'hpaCurrentReplicas', 'hpaDesiredReplicas', 'cpuUtilization', 'cpuTarget',
] as const;
type Field = (typeof SAMPLE_FIELDS)[number];
export type PulseSample = Record<Field, number | null>;

/** Reads the target's scaling from the cluster, and the events it has not shown yet. */
export class ClusterScaleReader {
  private readonly seen = new Set<string>();

  constructor(private readonly cluster: Cluster, private readonly deployment: string, private readonly since: number) {}

  async read(): Promise<Pick<PulseSample, 'desiredReplicas' | 'readyReplicas' | 'hpaCurrentReplicas' | 'hpaDesiredReplicas' | 'cpuUtilization' | 'cpuTarget'>> {
    const [d, hpa] = await Promise.all([this.cluster.findDeployment(this.deployment), this.cluster.findAutoscaler(this.deployment)]);
    const metric = hpa?.status?.currentMetrics?.find((m) => m.type === 'Resource')?.resource?.current.averageUtilization;
    const target = hpa?.spec?.metrics?.find((m) => m.type === 'Resource')?.resource?.target.averageUtilization;
    return {
      desiredReplicas: d?.spec?.replicas ?? null,
      readyReplicas: d ? (d.status?.readyReplicas ?? 0) : null,
      hpaCurrentReplicas: hpa?.status?.currentReplicas ?? null,
      hpaDesiredReplicas: hpa?.status?.desiredReplicas ?? null,
      cpuUtilization: metric ?? null,
      cpuTarget: target ?? null,
    };
  }

  /** Events since the pulse began, each once. */
  async newEvents(): Promise<string[]> {
    const lines: string[] = [];
    for (const event of await this.cluster.listEvents()) {
      const key = `${event.metadata?.uid ?? event.metadata?.name}/${event.count ?? 1}`;
      // event times have whole seconds (as the API server writes them): an event of the pulse's first
      // second is stamped before its start
      if (this.seen.has(key) || eventTime(event) < Math.floor(this.since)) continue;
      this.seen.add(key);
      lines.push(eventLine(event.involvedObject?.kind ?? '', event.involvedObject?.name ?? '', event.reason ?? '', event.message ?? ''));
    }
    return lines;
  }
}

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
  return when ? new Date(when).getTime() / 1000 : 0;
}

export function eventLine(kind: string, name: string, reason: string, message: string): string {
  return `  event ${kind.toLowerCase()}/${name} ${reason}: ${message}`;
}

/** The newest sample of the master's scale watch, in this timeline's fields. */
export function fromScaleReport(report: ScaleReport): Partial<PulseSample> {
  const last = report.samples[report.samples.length - 1];
  if (!last) return {};
  const pick = (key: keyof typeof last): number | null => (typeof last[key] === 'number' ? (last[key] as number) : null);
  return {
    desiredReplicas: pick('desiredReplicas'),
    readyReplicas: pick('readyReplicas'),
    hpaDesiredReplicas: pick('hpaDesiredReplicas'),
    cpuUtilization: pick('cpuUtilization'),
    cpuTarget: pick('cpuTarget'),
  };
}

export function masterFields(stats: MasterStats): Pick<PulseSample, 'userCount' | 'rps' | 'p95' | 'failRatio' | 'failures'> {
  return { userCount: stats.userCount, rps: stats.rps, p95: stats.p95, failRatio: stats.failRatio, failures: stats.failures };
}

const show = (v: number | null, digits = 0): string => (v === null ? '?' : v.toFixed(digits));

export function liveLine(sample: PulseSample, startedAt: number, deployment: string): string {
  const t = Math.round((sample.time ?? startedAt) - startedAt);
  const cpu = sample.cpuUtilization === null ? 'cpu ?' : `cpu ${sample.cpuUtilization}%${sample.cpuTarget === null ? '' : `/${sample.cpuTarget}%`}`;
  return (
    `+${t}s users ${show(sample.userCount)} rps ${show(sample.rps, 1)} p95 ${show(sample.p95)}ms failures ${show(sample.failures)} | ` +
    `${deployment} ready ${show(sample.readyReplicas)}/${show(sample.desiredReplicas)}, HPA ${cpu} -> ${show(sample.hpaDesiredReplicas)}`
  );
}

/** The closing figures: load peak, and how the target scaled during it. */
export function figures(samples: readonly PulseSample[], startedAt: number): string[] {
  const values = (field: Field): number[] => samples.map((s) => s[field]).filter((v): v is number => v !== null);
  const max = (field: Field): number | null => (values(field).length ? Math.max(...values(field)) : null);
  const ready = values('readyReplicas');
  const firstUsers = samples.find((s) => (s.userCount ?? 0) > 0)?.time ?? null;
  const startReady = ready[0] ?? null;
  const firstUp = samples.find((s) => startReady !== null && (s.readyReplicas ?? 0) > startReady)?.time ?? null;
  const last = samples[samples.length - 1];
  return [
    `pulse: ${Math.round((last?.time ?? startedAt) - startedAt)}s, peak users ${show(max('userCount'))}, peak rps ${show(max('rps'), 1)}, ` +
      `max p95 ${show(max('p95'))}ms, failures ${show(last?.failures ?? null)}`,
    `scaling: ready replicas ${show(startReady)} -> max ${show(max('readyReplicas'))}, ${show(last?.readyReplicas ?? null)} at the end; ` +
      `first scale-up ${firstUp !== null && firstUsers !== null ? `+${Math.round(firstUp - firstUsers)}s after the first users` : 'none'}; ` +
      `max HPA CPU ${max('cpuUtilization') === null ? '?' : `${max('cpuUtilization')}%`}`,
  ];
}

export function timelineCsv(samples: readonly PulseSample[]): string {
  const rows = samples.map((s) => SAMPLE_FIELDS.map((f) => (s[f] === null ? '' : String(s[f]))).join(','));
  return [SAMPLE_FIELDS.join(','), ...rows].join('\n') + '\n';
}
