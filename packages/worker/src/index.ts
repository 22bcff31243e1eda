/**
 * @locust-ts/worker — the locustfile API (also importable as 'locust-ts') and the worker
 * runner the CLI starts for `--worker`, `--processes N` children and local mode.
 */
export * from './api.js';
export { LocustfileError, WaitTimeError } from './errors.js';
export { loadLocustfile, describeUserClasses, type Locustfile } from './locustfile/load.js';
export { isUserClass, isConcreteUserClass } from './user.js';
export { asMasterShape, isLoadTestShapeClass, isConcreteLoadTestShapeClass, type LoadTestShapeClass } from './shape.js';
export { runWorker, type WorkerHandle } from './runner/run-worker.js';
export {
  WorkerRunner,
  type WorkerOptions,
  type WorkerTiming,
  type WorkerExit,
  type WorkerRunnerState,
  type CustomMessageHandler,
} from './runner/worker-runner.js';
export { consoleLogger, silentLogger, type Logger, type LogLevel } from './logger.js';
export { StatsRecorder } from './runtime/stats-recorder.js';
export { HttpPools } from './http/pools.js';
