/** `runWorker()`: what `locust-ts --worker` (and each `--processes` child) runs. */
import { WorkerRunner, type WorkerExit, type WorkerOptions } from './worker-runner.js';

export interface WorkerHandle {
  readonly clientId: string;
  readonly runner: WorkerRunner;
  /** Stop the users here (the master is not told; it sees 0 users in the next report). */
  stop(): Promise<void>;
  /** Leave gracefully: final stats and `quit` to the master, then close. */
  quit(): Promise<void>;
  /** Resolves when the worker has ended: quit by the master, by {@link quit}, or it gave up. */
  readonly done: Promise<WorkerExit>;
}

export function runWorker(options: WorkerOptions): WorkerHandle {
  const runner = new WorkerRunner(options);
  runner.start();
  return {
    clientId: runner.clientId,
    runner,
    stop: () => runner.stopUsers(),
    quit: () => runner.quit(),
    done: runner.done,
  };
}
