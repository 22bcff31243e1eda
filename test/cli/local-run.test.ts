/**
 * A local run is Locust's LocalRunner to the person watching: the same headless run through the
 * real `locust-ts` bin and through Python Locust 2.12.1 (`/usr/bin/locust`), same user, same
 * target, prints the same log lines in the same order (the version in "Starting …" aside) and none
 * of the master/worker chatter of a distributed run.
 */
import { describe, expect, it } from 'vitest';
import { type Started, startBin, startProcess } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { writeTwinLocustfiles } from '@locust-ts/test-support/locustfiles';
import { LOCUST_BIN } from '@locust-ts/test-support/paths';

const runs = useBinRuns('cli-local-run-');
/** Hang guard for one whole run (a 3 s test plus start and shutdown on a loaded machine). */
const RUN_GUARD_MS = 60_000;

/** What only a master with workers prints: none of it belongs in a local run. */
const DISTRIBUTED_CHATTER = [
  /workers connect to port/,
  /Waiting for workers to be ready/,
  /Got quit message from master/,
  /running a different (patch )?version/,
  /reported as ready/,
  /Connecting to master/,
  /Connected to the master/,
  /Sending spawn jobs/,
  /workers ready\./,
  /Edge \d+ to \d+ users/,
];

/** Either tool warns so when the machine is busy (other jobs share its 2 cores): not the run's behaviour. */
const MACHINE_LOAD_LINE = /CPU usage above \d+%/;

/** The message of each log line (`[time] host/LEVEL/logger: message`), "Starting Locust <version>" without its version. */
function logMessages(output: string): string[] {
  return output
    .split('\n')
    .map((line) => /^\[[^\]]+\] [^/]+\/(\w+)\/[\w.]+: (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !MACHINE_LOAD_LINE.test(m[2]!))
    .map((m) => `${m[1]} ${m[2]!.replace(/^Starting (Locust|locust-ts)\b.*$/, 'Starting Locust')}`);
}

function twins(): { ts: string; py: string } {
  return writeTwinLocustfiles('locustfile', { className: 'SimpleUser', waitSeconds: 0.5, requests: [{ path: '/hello' }] });
}

async function exitCodeWithin(run: Started): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.kill();
      reject(new Error(`run did not end within ${RUN_GUARD_MS} ms:\n${run.output().slice(-3000)}`));
    }, RUN_GUARD_MS);
  });
  try {
    return await Promise.race([run.exited, guard]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a local run prints what Locust prints', () => {
  it('--headless -u 2 -r 2 -t 3s: the same log lines as Python Locust 2.12.1, and no master/worker chatter', async () => {
    const { ts, py } = twins();
    const args = (file: string) => ['-f', file, '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', runs.targetUrl];
    const python = startProcess(LOCUST_BIN, args(py), { env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const tsRun = startBin(args(ts));
    const [pyCode, tsCode] = await Promise.all([exitCodeWithin(python), exitCodeWithin(tsRun)]);
    expect(tsCode).toBe(pyCode);
    const expected = logMessages(python.output());
    // the recorded truth has Locust's lines, in its order
    expect(expected).toEqual([
      'INFO Run time limit set to 3 seconds',
      'INFO Starting Locust',
      'INFO Ramping to 2 users at a rate of 2.00 per second',
      'INFO All users spawned: {"SimpleUser": 2} (2 total users)',
      'INFO --run-time limit reached, shutting down',
      'INFO Shutting down (exit code 0)',
    ]);
    expect(logMessages(tsRun.output())).toEqual(expected);
    for (const chatter of DISTRIBUTED_CHATTER) expect(tsRun.output()).not.toMatch(chatter);
    // the stats tables Locust prints: the periodic one and the final summary with percentiles
    for (const output of [python.output(), tsRun.output()]) {
      expect(output).toMatch(/GET\s+\/hello\s+\d+\s+0\(0\.00%\)/);
      expect(output).toContain('Response time percentiles (approximated)');
    }
  });

  it('web UI with --autostart: "Starting web interface", then Locust\'s lines, and no master/worker chatter', async () => {
    const { ts } = twins();
    const run = startBin(['-f', ts, '--autostart', '-u', '2', '-r', '2', '-t', '2s', '--autoquit', '0', '--web-host', '127.0.0.1', '--web-port', '0', '-H', runs.targetUrl]);
    expect(await exitCodeWithin(run)).toBe(0);
    const messages = logMessages(run.output());
    expect(messages[0]).toMatch(/^INFO Starting web interface at http:\/\/127\.0\.0\.1:\d+$/);
    expect(messages).toContain('INFO Starting Locust');
    expect(messages).toContain('INFO Ramping to 2 users at a rate of 2.00 per second');
    expect(messages).toContain('INFO All users spawned: {"SimpleUser": 2} (2 total users)');
    expect(messages).toContain('INFO --run-time limit reached, stopping test');
    for (const chatter of DISTRIBUTED_CHATTER) expect(run.output()).not.toMatch(chatter);
  });
});
