/**
 * The process's Locust environment in the CLI: created once from the parsed options, shared by
 * the master and worker runners of this process, and Locust's `init`, `quitting` and `quit`
 * events around a run, with Locust's exit code rules (main.py `shutdown()`): a `quitting`
 * listener's `environment.processExitCode` wins; else a failing test's code; else 2 when an event
 * listener threw; else 0.
 */
import { type Environment, createEnvironment, events, listenerErrors } from '@locust-ts/protocol';
import type { CliLogger } from './log.js';
import type { ParsedOptions } from './options.js';

export function processEnvironment(parsedOptions: ParsedOptions, log: CliLogger): Environment {
  listenerErrors.sink = (line) => log.error(line);
  return createEnvironment({ parsedOptions: { ...parsedOptions }, host: (parsedOptions.host as string | null) ?? undefined });
}

/**
 * `init`, once the runner exists (Locust: after the runner and web UI are created); `async`
 * listeners are awaited before the run goes on, as Locust's blocking listeners hold main().
 */
export function fireInit(environment: Environment): Promise<void> {
  return events.init.fireAndWait({ environment, runner: environment.runner, webUi: environment.webUi ?? null });
}

/**
 * The end of a process: `quitting` (listeners in reverse order, awaited) unless the master fired
 * it already (it does, before deciding its exit code), the exit code, then `quit`.
 */
export async function finishProcess(environment: Environment, runCode: number, log: CliLogger, quittingFired = false): Promise<number> {
  let code = runCode;
  if (!quittingFired) {
    await events.quitting.fireAndWait({ environment }, { reverse: true });
    if (environment.processExitCode !== null) code = environment.processExitCode;
    else if (code === 0 && listenerErrors.count > 0) code = 2;
    if (code !== runCode) log.info(`Exit code ${code} (${environment.processExitCode !== null ? 'set by the locustfile' : 'an event listener failed'})`);
  }
  // Locust's quit listeners run before the process exits: async ones are awaited
  await events.quit.fireAndWait({ exitCode: code });
  return code;
}
