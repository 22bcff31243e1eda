/**
 * The HorizontalPodAutoscaler podman cannot run, for the pulse Job: every sync period (15 s, the
 * controller's default) it reads the one real target pod's CPU off its /metrics, turns it into
 * utilisation of the pod's CPU request as metrics-server + the HPA would (averaged over the
 * replicas the Deployment has), and applies the HPA's formula with the rendered HPA's target,
 * bounds, 10 % tolerance, scale-up policies and scale-down stabilization window. Its decisions go
 * to the Kubernetes API stand-in (ScaleScenario: HPA status, Deployment, pods, events), where the
 * Job's scale watch reads them. No extra target pods start: the figures are the HPA's, the
 * capacity is one pod's.
 */
import type { ScaleScenario } from '../../k8s/api/scale-scenario.js';

type Json = Record<string, any>;

/** kube-controller-manager's --horizontal-pod-autoscaler-sync-period and --horizontal-pod-autoscaler-tolerance defaults. */
const SYNC_MS = 15_000;
const TOLERANCE = 0.1;

export interface Decision {
  /** epoch seconds */
  time: number;
  utilization: number;
  replicas: number;
}

export class HpaStandIn {
  readonly decisions: Decision[] = [];
  private replicas: number;
  private last: { time: number; cpu: number } | null = null;
  private recommendations: { time: number; replicas: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly scenario: ScaleScenario,
    private readonly hpa: Json,
    /** the target container's resources.requests.cpu, in cores */
    private readonly cpuRequest: number,
    private readonly metricsUrl: string,
  ) {
    this.replicas = hpa.spec.minReplicas ?? 1;
  }

  start(): void {
    void this.sync();
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sync(): Promise<void> {
    const text = await fetch(this.metricsUrl).then((r) => r.text(), () => null);
    const cpu = Number(text?.match(/^process_cpu_seconds_total (\S+)$/m)?.[1]);
    if (!Number.isFinite(cpu)) return;
    const now = Date.now() / 1000;
    const last = this.last;
    this.last = { time: now, cpu };
    if (!last) return;
    const utilization = Math.round(((cpu - last.cpu) / (now - last.time) / (this.replicas * this.cpuRequest)) * 100);
    const spec = this.hpa.spec;
    const target = spec.metrics.find((m: Json) => m.type === 'Resource' && m.resource.name === 'cpu').resource.target.averageUtilization as number;
    const ratio = utilization / target;
    let desired = Math.abs(ratio - 1) <= TOLERANCE ? this.replicas : Math.ceil(this.replicas * ratio);
    desired = Math.min(spec.maxReplicas, Math.max(spec.minReplicas ?? 1, desired));
    // scale-up policies (Percent / Pods per period, selectPolicy Max); scale-down: the highest
    // recommendation within the stabilization window
    const upLimit = Math.max(...(spec.behavior?.scaleUp?.policies ?? [{ type: 'Percent', value: 100 }]).map((p: Json) => (p.type === 'Percent' ? Math.ceil(this.replicas * (1 + p.value / 100)) : this.replicas + p.value)));
    const window = spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300;
    this.recommendations = [...this.recommendations.filter((r) => r.time >= now - window), { time: now, replicas: desired }];
    const next = desired > this.replicas ? Math.min(desired, upLimit) : Math.max(...this.recommendations.map((r) => r.replicas));
    if (next !== this.replicas) {
      this.replicas = next;
      this.scenario.scaleTo(next, utilization);
      this.scenario.podsRunning();
      this.scenario.podsReady();
    } else {
      this.scenario.setCpu(utilization);
    }
    this.decisions.push({ time: now, utilization, replicas: next });
  }
}
