/**
 * The scale watch across a master's life: starts with the master, keeps watching after the load
 * stops while an `after stop` assertion still waits for its window, and at the end prints the
 * figures and each assertion's PASS/FAIL, turning any FAIL into exit code 3.
 */
import type { MasterLogger } from '../log/master-logger.js';
import type { AssertionResult, ScaleAssertion } from './assertions.js';
import { ScaleRecorder, type RunEvents, type RunSource } from './recorder.js';
import type { ScaleSource } from './source.js';
import { assertionLines, figureLines, writeScaleCsv } from './summary.js';

/** Exit code when any `--assert-scale` fails (failed requests keep their own code otherwise). */
export const EXIT_SCALE_ASSERTION_FAILED = 3;
/** How often the wait for an `after stop` window looks at the timeline. */
const SETTLE_POLL_MS = 250;
/** Shutdown reasons after which the master keeps watching the scale-down (not signals or quit()). */
const NATURAL_ENDS = new Set(['run-time', 'shape']);

export interface ScaleWatchOptions {
  source: ScaleSource;
  assertions?: readonly ScaleAssertion[];
}

/** What the session needs of the runner: readings plus a way to stop the load. */
export interface StoppableRun extends RunSource {
  stop(): Promise<void>;
}

export class ScaleSession {
  readonly recorder: ScaleRecorder;
  private results: AssertionResult[] = [];

  constructor(
    options: ScaleWatchOptions,
    private readonly run: StoppableRun,
    private readonly events: RunEvents,
    private readonly log: MasterLogger,
    csvPrefix: string | null,
  ) {
    this.recorder = new ScaleRecorder(options.source, options.assertions ?? [], {
      info: (line) => log.info(line, 'locust.scale'),
      warning: (line) => log.warning(line, 'locust.scale'),
    });
    if (csvPrefix) writeScaleCsv(this.recorder, csvPrefix);
  }

  start(): void {
    this.recorder.start(this.run, this.events);
  }

  /**
   * Before the master quits: when the run ended by itself (run time, shape) and an `after stop`
   * assertion is still open, stop the load and keep watching until every one is decided.
   */
  async beforeQuit(reason: string): Promise<void> {
    if (!NATURAL_ENDS.has(reason) || this.recorder.assertions.every((a) => a.from !== 'stop')) return;
    // the stop fires test_stopping: the recorder has the load's end when this returns
    if (this.run.state === 'spawning' || this.run.state === 'running') await this.run.stop();
    const open = this.recorder.undecidedAfterStop();
    if (open.length === 0) return;
    const stoppedAt = this.recorder.loadStoppedAt ?? Date.now() / 1000;
    const until = stoppedAt + Math.max(...open.map((a) => a.within));
    this.log.info(`Load stopped; watching the scale-down for up to ${Math.ceil(until - Date.now() / 1000)}s (${open.map((a) => `'${a.expr}'`).join(', ')})`, 'locust.scale');
    while (this.recorder.undecidedAfterStop().length > 0 && Date.now() / 1000 < until) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }

  /** Stop watching, print figures and assertions; returns the exit code (3 on any FAIL). */
  async finish(code: number): Promise<number> {
    await this.recorder.stop();
    const now = Date.now() / 1000;
    this.results = this.recorder.results(true, now);
    const lines = [...figureLines(this.recorder.figures(now), this.recorder, now), ...assertionLines(this.results)];
    this.log.plain(`${lines.join('\n')}\n`);
    if (this.results.some((r) => r.passed === false)) {
      this.log.info(`Shutting down (exit code ${EXIT_SCALE_ASSERTION_FAILED}: --assert-scale failed)`, 'locust.main');
      return EXIT_SCALE_ASSERTION_FAILED;
    }
    return code;
  }
}
