/**
 * The master's REST API as the pulse uses it — the newest Locust's routes, plus the locust-ts
 * extensions it asks for and does without: `POST /swarm` with a `shape` spec, `GET /scale`.
 */
import { DeployError } from '../errors.js';

/** A request that takes longer is a hung master (or a wrong URL), not a slow one. */
const REQUEST_TIMEOUT_MS = 10_000;
/** The message a master without built-in shapes answers to a `shape`-only /swarm form. */
const MISSING_COUNTS = 'Missing user_count or spawn_rate';

export interface MasterStats {
  readonly state: string;
  readonly userCount: number;
  readonly rps: number;
  readonly failRatio: number;
  readonly failures: number;
  readonly requests: number;
  readonly p95: number | null;
  readonly workerCount: number;
}

/** One `GET /scale` sample (K5), only the fields the pulse line shows. */
export interface ScaleSample {
  readonly time: number;
  readonly readyReplicas: number | null;
  readonly desiredReplicas: number | null;
  readonly hpaDesiredReplicas: number | null;
  readonly cpuUtilization: number | null;
  readonly cpuTarget: number | null;
}

export interface ScaleReport {
  readonly enabled: boolean;
  readonly samples: readonly ScaleSample[];
  readonly events: readonly { time: number; type: string; reason: string; object: string; message: string }[];
  readonly figures: Record<string, unknown>;
  readonly assertions: readonly { expr: string; passed: boolean; measured: unknown }[];
}

type Json = Record<string, any>; // the master's JSON, read field by field below

export class MasterApi {
  private readonly authorization?: string;

  constructor(readonly url: string, webAuth?: string) {
    this.authorization = webAuth ? `Basic ${Buffer.from(webAuth).toString('base64')}` : undefined;
  }

  /**
   * Starts the shape; a master without built-in shapes refuses the shape-only form, and then
   * `fallback` runs instead. Returns which of the two runs.
   */
  async startSwarm(shape: string, fallback: Record<string, string>): Promise<'shape' | 'fallback'> {
    const first = await this.postForm('/swarm', { shape });
    if (first.success === true) return 'shape';
    if (!String(first.message ?? '').startsWith(MISSING_COUNTS)) throw new DeployError(`the master refused the shape "${shape}": ${first.message}`);
    const second = await this.postForm('/swarm', fallback);
    if (second.success !== true) throw new DeployError(`the master refused the swarm: ${second.message}`);
    return 'fallback';
  }

  async stats(): Promise<MasterStats> {
    const body = (await this.json('/stats/requests')) as Json;
    const total = (body.stats as Json[] | undefined)?.find((row) => row.name === 'Aggregated') ?? {};
    const p95 = body.current_response_time_percentiles?.['response_time_percentile_0.95'];
    return {
      state: String(body.state),
      userCount: Number(body.user_count ?? 0),
      rps: Number(body.total_rps ?? 0),
      failRatio: Number(body.fail_ratio ?? 0),
      failures: Number(total.num_failures ?? 0),
      requests: Number(total.num_requests ?? 0),
      p95: typeof p95 === 'number' ? p95 : null,
      workerCount: Number(body.worker_count ?? 0),
    };
  }

  /** `GET /scale`, or undefined when the master has no scale watch (404 or `enabled: false`). */
  async scale(): Promise<ScaleReport | undefined> {
    const response = await this.request('/scale');
    if (response.status === 404) return undefined;
    if (!response.ok) throw new DeployError(`GET ${this.url}/scale answered ${response.status}`);
    const body = (await response.json()) as ScaleReport;
    return body.enabled ? body : undefined;
  }

  async text(path: string): Promise<string> {
    const response = await this.request(path);
    if (!response.ok) throw new DeployError(`GET ${this.url}${path} answered ${response.status}`);
    return response.text();
  }

  async stop(): Promise<void> {
    await this.request('/stop');
  }

  private async json(path: string): Promise<unknown> {
    return JSON.parse(await this.text(path)) as unknown;
  }

  private async postForm(path: string, form: Record<string, string>): Promise<Json> {
    const response = await this.request(path, { method: 'POST', body: new URLSearchParams(form) });
    if (!response.ok) throw new DeployError(`POST ${this.url}${path} answered ${response.status}`);
    return (await response.json()) as Json;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = this.authorization ? { authorization: this.authorization } : {};
    try {
      const response = await fetch(`${this.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (response.status === 401) throw new DeployError(`the master at ${this.url} wants credentials: pass --web-auth user:pass`);
      return response;
    } catch (error) {
      if (error instanceof DeployError) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.name : String(error));
      throw new DeployError(`cannot reach the master at ${this.url} (${cause}): is it running? (pnpm kube status)`);
    }
  }
}
