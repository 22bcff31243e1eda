/**
 * The few API calls the tool makes, each turning client-node's errors into one-line DeployErrors
 * that name the object concerned.
 */
import {
  ApiregistrationV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type CoreV1Event,
  type V1APIService,
  type V1ConfigMap,
  type V1Deployment,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { DeployError, HTTP_NOT_FOUND, apiStatus, describeError } from './errors.js';
import { FIELD_MANAGER, PART_OF_SELECTOR } from './constants.js';
import { objectRef, type Manifest } from './manifests.js';
import type { ClusterTarget } from './kubeconfig.js';

export class Cluster {
  readonly namespace: string;
  readonly server: string;
  private readonly objects: KubernetesObjectApi;
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly autoscaling: AutoscalingV2Api;
  private readonly registration: ApiregistrationV1Api;

  constructor(target: ClusterTarget) {
    this.namespace = target.namespace;
    this.server = target.server;
    this.objects = KubernetesObjectApi.makeApiClient(target.kubeConfig);
    this.apps = target.kubeConfig.makeApiClient(AppsV1Api);
    this.core = target.kubeConfig.makeApiClient(CoreV1Api);
    this.autoscaling = target.kubeConfig.makeApiClient(AutoscalingV2Api);
    this.registration = target.kubeConfig.makeApiClient(ApiregistrationV1Api);
  }

  /**
   * Server-side apply: the server merges the object with what is live and records this tool as
   * the owner of its fields, so applying twice changes nothing. `force` takes back fields another
   * manager changed since (e.g. replicas set by `kubectl scale`): the manifests are the truth.
   */
  async apply(manifest: Manifest): Promise<void> {
    const object = { ...manifest, metadata: { ...manifest.metadata, namespace: this.namespace } };
    try {
      await this.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      // The API server's NamespaceLifecycle admission: a 404 about the namespace, not the object.
      const status = apiStatus(error);
      if (status?.code === HTTP_NOT_FOUND && status.detailsKind === 'namespaces') {
        throw new DeployError(`namespace "${this.namespace}" does not exist: create it (kubectl create namespace ${this.namespace}) or pass --namespace NAME`);
      }
      throw new DeployError(describeError(error, this.server, objectRef(manifest)), { cause: error });
    }
  }

  /** Deletes an object; false when it was already gone. */
  async remove(manifest: Manifest): Promise<boolean> {
    const object = { ...manifest, metadata: { ...manifest.metadata, namespace: this.namespace } };
    try {
      await this.objects.delete(object);
      return true;
    } catch (error) {
      if (apiStatus(error)?.code === HTTP_NOT_FOUND) return false;
      throw new DeployError(describeError(error, this.server, objectRef(manifest)), { cause: error });
    }
  }

  readDeployment(name: string): Promise<V1Deployment> {
    return this.call(`deployment/${name}`, () => this.apps.readNamespacedDeployment({ name, namespace: this.namespace }));
  }

  /** The deployment, or undefined when it does not exist. */
  findDeployment(name: string): Promise<V1Deployment | undefined> {
    return this.find(`deployment/${name}`, () => this.apps.readNamespacedDeployment({ name, namespace: this.namespace }));
  }

  /** Sets replicas through the scale subresource, as `kubectl scale` does (the pod template is untouched). */
  async scaleDeployment(name: string, replicas: number): Promise<void> {
    await this.call(`deployment/${name}`, () =>
      this.apps.replaceNamespacedDeploymentScale({
        name,
        namespace: this.namespace,
        fieldManager: FIELD_MANAGER,
        body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: this.namespace }, spec: { replicas } },
      }),
    );
  }

  async listDeployments(): Promise<V1Deployment[]> {
    const list = await this.call('deployments', () =>
      this.apps.listNamespacedDeployment({ namespace: this.namespace, labelSelector: PART_OF_SELECTOR }),
    );
    return list.items;
  }

  async listAutoscalers(): Promise<V2HorizontalPodAutoscaler[]> {
    const list = await this.call('horizontalpodautoscalers', () =>
      this.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: this.namespace, labelSelector: PART_OF_SELECTOR }),
    );
    return list.items;
  }

  findService(name: string): Promise<V1Service | undefined> {
    return this.find(`service/${name}`, () => this.core.readNamespacedService({ name, namespace: this.namespace }));
  }

  async listNodes(): Promise<V1Node[]> {
    return (await this.call('nodes', () => this.core.listNode())).items;
  }

  findAutoscaler(name: string): Promise<V2HorizontalPodAutoscaler | undefined> {
    return this.find(`horizontalpodautoscaler/${name}`, () =>
      this.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: this.namespace }),
    );
  }

  /** Pods in this namespace matching a label selector (`app=locust,role=worker`). */
  async listPods(labelSelector: string): Promise<V1Pod[]> {
    return (await this.call('pods', () => this.core.listNamespacedPod({ namespace: this.namespace, labelSelector }))).items;
  }

  /** Every pod of the cluster: what else already holds CPU requests on the nodes. */
  async listAllPods(): Promise<V1Pod[]> {
    return (await this.call('pods', () => this.core.listPodForAllNamespaces())).items;
  }

  /** The last lines a container wrote (of its previous run after a crash), or undefined if none. */
  async podLog(name: string, options: { previous?: boolean; tailLines?: number; container?: string } = {}): Promise<string | undefined> {
    try {
      return await this.core.readNamespacedPodLog({ name, namespace: this.namespace, ...options });
    } catch {
      return undefined; // a pod that never started has no log: the reason line says enough
    }
  }

  async listEvents(): Promise<CoreV1Event[]> {
    return (await this.call('events', () => this.core.listNamespacedEvent({ namespace: this.namespace }))).items;
  }

  /** The swarm's ConfigMaps (generated ones included), for pruning old generations. */
  async listConfigMaps(): Promise<V1ConfigMap[]> {
    return (await this.call('configmaps', () => this.core.listNamespacedConfigMap({ namespace: this.namespace, labelSelector: PART_OF_SELECTOR }))).items;
  }

  async deleteConfigMap(name: string): Promise<void> {
    await this.find(`configmap/${name}`, () => this.core.deleteNamespacedConfigMap({ name, namespace: this.namespace }));
  }

  /** An aggregated API registration (e.g. metrics-server's `v1beta1.metrics.k8s.io`), or undefined. */
  findApiService(name: string): Promise<V1APIService | undefined> {
    return this.find(`apiservice/${name}`, () => this.registration.readAPIService({ name }));
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new DeployError(describeError(error, this.server, what), { cause: error });
    }
  }

  /** Like {@link call}, but a 404 means "not there": undefined instead of an error. */
  private async find<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (apiStatus(error)?.code === HTTP_NOT_FOUND) return undefined;
      throw new DeployError(describeError(error, this.server, what), { cause: error });
    }
  }
}
