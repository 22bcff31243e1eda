/** How a master runner is set up (the CLI's options, as the runner needs them). */
import type { LoadShape, UserClassDescription } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import type { MasterEnvironmentOptions } from './master-environment.js';

export interface MasterRunnerOptions extends MasterEnvironmentOptions {
  /** The user classes the workers run (names must match the workers' classes). */
  userClasses: UserClassDescription[];
  /** `--host`: sent to workers in every `spawn` (null = the classes' own host). */
  host?: string | null;
  /** the locustfile path (web UI, report names; served to `-f -` workers if it is a .py file) */
  locustfile?: string;
  /** `--stop-timeout` seconds, sent in `spawn` (null = Locust's default: stop users at once) */
  stopTimeout?: number | null;
  /** Locust's `vars(options)`: sent as `parsed_options` in `spawn` (custom locustfile arguments travel here). */
  parsedOptions?: Record<string, unknown>;
  /** Reply `heartbeat` to worker heartbeats (newest protocol). Default true; 2.12.1 workers log each as unknown. */
  heartbeatReplies?: boolean;
  /** `--reset-stats`: reset the stats once a ramp completes. */
  resetStats?: boolean;
  /** Headless: the last worker quitting ends the run (Locust quits then). */
  headless?: boolean;
  /** Seconds to wait after a ramp for reports (`LOCUST_WAIT_FOR_WORKERS_REPORT_AFTER_RAMP_UP`). */
  reportWaitAfterRamp?: number;
  logger?: MasterLogger;
  /** Called when a `runTime` given to `MasterRunner.start` expires; default: stop (web) / quit (headless). */
  onRunTimeLimit?: () => void;
  /** A load shape (Locust's LoadTestShape): `MasterRunner.startShape` runs the test from it. */
  shape?: LoadShape | null;
  /** Called when the shape ends the test (its tick answered null); default: stop (web) / quit (headless). */
  onShapeEnd?: () => void;
  /** `--max-users`: the pool of an arrival rate set by a load shape with `unit=rps` (default: follows the rate). */
  maxUsers?: number | null;
  /** `--csv PREFIX`: `PREFIX_edges.csv`, the synchronized-edge report */
  edgesCsvPath?: string | null;
}
