/**
 * An in-test `MasterRunnerView` for the REST contract tests only (the browser test drives the
 * real master and workers). Its stats are a real `RequestStats` fed with requests and errors.
 */
import { RequestStats, type UserClassDescription } from '@locust-ts/protocol';
import type {
  ExceptionView,
  HistoryPoint,
  MasterRunnerView,
  MasterState,
  SwarmRequest,
  UserClassUpdate,
  WorkerView,
} from '@locust-ts/master';

export class FakeRunner implements MasterRunnerView {
  state: MasterState = 'ready';
  host: string | null = 'http://127.0.0.1:18080';
  stats = new RequestStats(true);
  startTime: number | null = null;
  locustfile = '/app/locustfile.ts';
  started: SwarmRequest[] = [];
  stops = 0;
  resets = 0;
  userUpdates: UserClassUpdate[] = [];
  private workerRows: WorkerView[] = [];
  private exceptionRows: ExceptionView[] = [];
  private historyPoints: HistoryPoint[] = [];

  get userCount(): number {
    return this.workerRows.reduce((n, w) => n + w.userCount, 0);
  }
  workers(): WorkerView[] {
    return this.workerRows;
  }
  workerCount(): number {
    return this.workerRows.filter((w) => ['ready', 'spawning', 'running'].includes(w.state)).length;
  }
  exceptions(): ExceptionView[] {
    return this.exceptionRows;
  }
  userClasses(): UserClassDescription[] {
    return [
      { name: 'WebsiteUser', weight: 3, fixedCount: 0, tasks: { index: 3, missing: 1 } },
      { name: 'ApiUser', weight: 1, fixedCount: 0, tasks: { api: 3, explode: 1 } },
    ];
  }
  history(): HistoryPoint[] {
    return this.historyPoints;
  }
  logs(): { master: string[]; workers: Record<string, string[]> } {
    return {
      master: ['[2026-11-25 16:48:48,423] vm/INFO/locust.main: Starting locust-ts'],
      workers: Object.fromEntries(this.workerRows.map((w) => [w.id, [`worker ${w.index} ready`]])),
    };
  }
  async start(request: SwarmRequest): Promise<void> {
    this.started.push(request);
    if (request.host !== undefined) this.host = request.host;
    this.state = 'running';
  }
  async stop(): Promise<void> {
    this.stops++;
    this.state = 'stopped';
  }
  resetStats(): void {
    this.resets++;
    this.stats.resetAll();
    this.exceptionRows = [];
  }
  updateUserClass(update: UserClassUpdate): void {
    this.userUpdates.push(update);
  }

  /** A running test of ~15 s: three workers, requests every second, a 404 error, an exception. */
  simulateRun(now = Date.now() / 1000): void {
    const t0 = now - 15;
    this.startTime = t0;
    this.stats.clearAll(t0);
    this.state = 'running';
    for (let s = 0; s < 15; s++) {
      const t = t0 + s + 0.5;
      this.stats.logRequest('GET', '/', 2 + (s % 5), 20, t);
      this.stats.logRequest('GET', '/', 3.5, 20, t + 0.1);
      this.stats.logRequest('GET', '/api', 133 + s, 8, t + 0.2);
      this.stats.logRequest('GET', '/missing', 2.2, 10, t + 0.3);
      this.stats.logError('GET', '/missing', "HTTPError('404 Client Error: Not Found for url: /missing')", t + 0.3);
      this.historyPoints.push({
        time: Math.floor(t),
        userCount: 9,
        currentRps: 4,
        currentFailPerSec: 1,
        currentResponseTimePercentile50: s > 2 ? 3 : null,
        currentResponseTimePercentile95: s > 2 ? 140 : null,
        totalAvgResponseTime: 30.25,
      });
    }
    this.workerRows = [0, 1, 2].map((index) => ({
      id: `vm_${index}abc`,
      state: 'running',
      index,
      userCount: 3,
      userClassesCount: { WebsiteUser: index === 0 ? 2 : 3, ApiUser: index === 0 ? 1 : 0 },
      cpuUsage: 1.5,
      memoryUsage: 52_000_000,
    }));
    this.exceptionRows = [
      {
        count: 1,
        msg: 'capture test exception',
        traceback: '  File "locustfile.ts", line 42, in explode\n    throw new Error("capture, test")\n',
        nodes: ['vm_0abc'],
      },
    ];
  }
}
