/**
 * `--watch-scale DEPLOYMENT`: list+watch (client-node `ListWatch`) of the Deployment, the HPA whose
 * scaleTargetRef names it, its pods (by the Deployment's selector) and the namespace's events. A
 * watch the server ends is resumed from its resourceVersion (410 Gone → a fresh list); a failed
 * list or watch is retried every few seconds. Every failure is one warning line, once; the run
 * never waits for the watch.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  ListWatch,
  Watch,
  type CoreV1Event,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Deployment,
  type V1Pod,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { describeWatchError } from './errors.js';
import type { ResolvedCluster } from './kubeconfig.js';
import {
  clusterEvent,
  concernsDeployment,
  deploymentReplicas,
  hpaState,
  podCounts,
  podSelector,
  scalingInactive,
  targetsDeployment,
} from './objects.js';
import type { ClusterSnapshot, ScaleListener, ScaleSource } from './types.js';
import { nowSeconds } from '@locust-ts/protocol';

/** A failed list/watch is tried again after this long (the API server may come back). */
export const WATCH_RETRY_MS = 2_000;

type Kind = 'deployment' | 'hpa' | 'pods' | 'events';

interface Stream<T extends KubernetesObject> {
  readonly kind: Kind;
  readonly informer: ListWatch<T>;
  retry: NodeJS.Timeout | null;
  /** a list has succeeded at least once */
  listed: boolean;
  /** the last list or watch worked: a cut connection is resumed at once, without a warning */
  healthy: boolean;
}

export class KubeScaleWatch implements ScaleSource {
  readonly namespace: string;
  private listener: ScaleListener | null = null;
  private readonly streams = new Map<Kind, Stream<KubernetesObject>>();
  private readonly warned = new Set<string>();
  private stopped = false;
  private selector: string | null = null;
  private last = '';
  /** events present before the watch began (uid → count): history, not this run's */
  private readonly preexisting = new Map<string, number>();
  private eventsListedOnce = false;

  constructor(
    private readonly cluster: ResolvedCluster,
    readonly deployment: string,
  ) {
    this.namespace = cluster.namespace;
  }

  start(listener: ScaleListener): void {
    this.listener = listener;
    listener.info(`scale watch: deployment "${this.deployment}" in namespace "${this.namespace}" via ${this.cluster.source} (${this.cluster.server})`);
    const kc = this.cluster.kubeConfig;
    const ns = this.namespace;
    const apps = kc.makeApiClient(AppsV1Api);
    const autoscaling = kc.makeApiClient(AutoscalingV2Api);
    const core = kc.makeApiClient(CoreV1Api);
    const nameSelector = `metadata.name=${this.deployment}`;
    this.open<V1Deployment>(
      'deployment',
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      () => apps.listNamespacedDeployment({ namespace: ns, fieldSelector: nameSelector }),
      undefined,
      nameSelector,
    );
    this.open<V2HorizontalPodAutoscaler>('hpa', `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, () =>
      autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns }),
    );
    this.open<CoreV1Event>('events', `/api/v1/namespaces/${ns}/events`, async () => {
      const list = await core.listNamespacedEvent({ namespace: ns });
      if (!this.eventsListedOnce) {
        this.eventsListedOnce = true;
        for (const e of list.items) this.preexisting.set(e.metadata.uid ?? '', e.count ?? 1);
      }
      return list;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stream of this.streams.values()) {
      if (stream.retry) clearTimeout(stream.retry);
      await stream.informer.stop();
    }
    this.listener = null;
    this.streams.clear();
  }

  private open<T extends KubernetesObject>(
    kind: Kind,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
    labelSelector?: string,
    fieldSelector?: string,
  ): void {
    let stream: Stream<T>;
    const listed = async (): Promise<KubernetesListObject<T>> => {
      const result = await list();
      const first = !stream.listed;
      stream.listed = true;
      stream.healthy = true;
      this.recovered(kind);
      // after the informer has stored the items (it does so right after this resolves)
      if (first) queueMicrotask(() => setTimeout(() => this.afterFirstList(kind), 0));
      return result;
    };
    const informer = new ListWatch<T>(path, new Watch(this.cluster.kubeConfig), listed, false, labelSelector, fieldSelector);
    stream = { kind, informer, retry: null, listed: false, healthy: false };
    this.streams.set(kind, stream as unknown as Stream<KubernetesObject>);
    const changed = (obj: T): void => {
      stream.healthy = true;
      this.changed(kind, obj);
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', () => this.publish());
    informer.on('error', (error: unknown) => {
      if (this.stopped) return;
      const httpStatus = typeof (error as { code?: unknown; statusCode?: unknown })?.statusCode === 'number' || typeof (error as { code?: unknown }).code === 'number';
      if (stream.healthy && !httpStatus) {
        // a dropped connection (the API server restarted, a proxy cut it): resume from the last resourceVersion
        stream.healthy = false;
        void informer.start().catch(() => this.scheduleRetry(stream));
        return;
      }
      stream.healthy = false;
      const what = `${this.collection(kind)} in namespace "${this.namespace}"`;
      const described = describeWatchError(error, this.cluster.server, what);
      this.warnOnce(described.key, `${described.line}; retrying every ${WATCH_RETRY_MS / 1000}s, the run goes on`);
      this.failing.add(kind);
      this.scheduleRetry(stream);
    });
    void informer.start().catch((error: unknown) => {
      this.scheduleRetry(stream);
      this.warnOnce(`start:${kind}`, `scale watch: ${String(error)}`);
    });
  }

  private readonly failing = new Set<Kind>();

  private recovered(kind: Kind): void {
    if (this.failing.delete(kind) && this.failing.size === 0) this.listener?.info('scale watch: the API server answers again, watching resumed');
  }

  private scheduleRetry<T extends KubernetesObject>(stream: Stream<T>): void {
    if (this.stopped || stream.retry) return;
    stream.retry = setTimeout(() => {
      stream.retry = null;
      if (this.stopped) return;
      // start() resumes from the last resourceVersion; a 410 Gone answer makes it list afresh
      void stream.informer.start().catch(() => this.scheduleRetry(stream));
    }, WATCH_RETRY_MS);
    stream.retry.unref();
  }

  private collection(kind: Kind): string {
    return { deployment: 'deployments', hpa: 'horizontalpodautoscalers', pods: 'pods', events: 'events' }[kind];
  }

  private afterFirstList(kind: Kind): void {
    if (this.stopped) return;
    if (kind === 'deployment' && !this.deploymentObject()) {
      this.warnOnce('missing-deployment', `deployment "${this.deployment}" not found in namespace "${this.namespace}": watching for it, replica columns stay N/A`);
    }
    if (kind === 'hpa' && !this.hpaObject()) {
      this.warnOnce('missing-hpa', `no HorizontalPodAutoscaler targets deployment "${this.deployment}" in namespace "${this.namespace}": HPA columns stay N/A`);
    }
    this.publish();
  }

  private changed(kind: Kind, obj: KubernetesObject): void {
    if (kind === 'deployment') {
      const selector = podSelector(obj as V1Deployment);
      if (selector && selector !== this.selector) this.watchPods(selector);
    }
    if (kind === 'hpa') {
      const hpa = obj as V2HorizontalPodAutoscaler;
      if (!targetsDeployment(hpa, this.deployment)) return;
      const inactive = scalingInactive(hpa);
      if (inactive) this.warnOnce(`inactive:${inactive.split(':')[0]}`, `HPA "${hpa.metadata?.name}" cannot scale (ScalingActive=False, ${inactive})`);
    }
    if (kind === 'events') {
      const event = obj as CoreV1Event;
      const uid = event.metadata.uid ?? '';
      if (this.preexisting.get(uid) === (event.count ?? 1)) return;
      this.preexisting.delete(uid);
      if (concernsDeployment(event, this.deployment, this.hpaObject()?.metadata?.name ?? null)) {
        this.listener?.event(clusterEvent(event, nowSeconds()));
      }
      return;
    }
    this.publish();
  }

  private watchPods(selector: string): void {
    const old = this.streams.get('pods');
    if (old) {
      if (old.retry) clearTimeout(old.retry);
      void old.informer.stop();
    }
    this.selector = selector;
    const core = this.cluster.kubeConfig.makeApiClient(CoreV1Api);
    const ns = this.namespace;
    this.open<V1Pod>('pods', `/api/v1/namespaces/${ns}/pods`, () => core.listNamespacedPod({ namespace: ns, labelSelector: selector }), selector);
  }

  private deploymentObject(): V1Deployment | undefined {
    return this.streams.get('deployment')?.informer.get(this.deployment, this.namespace) as V1Deployment | undefined;
  }

  private hpaObject(): V2HorizontalPodAutoscaler | undefined {
    const hpas = (this.streams.get('hpa')?.informer.list(this.namespace) ?? []) as V2HorizontalPodAutoscaler[];
    return hpas.find((h) => targetsDeployment(h, this.deployment));
  }

  /** Tell the listener the current snapshot when it differs from the last one told. */
  private publish(): void {
    if (this.stopped || !this.listener) return;
    const deployment = this.deploymentObject();
    const hpa = this.hpaObject();
    const pods = this.streams.get('pods');
    const snapshot: ClusterSnapshot = {
      deployment: deployment ? deploymentReplicas(deployment) : null,
      hpa: hpa ? hpaState(hpa) : null,
      pods: pods?.listed ? podCounts(pods.informer.list(this.namespace) as V1Pod[]) : null,
    };
    const text = JSON.stringify(snapshot);
    if (text === this.last) return;
    this.last = text;
    this.listener.state(snapshot);
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.listener?.warning(line.startsWith('scale watch:') ? line : `scale watch: ${line}`);
  }
}
