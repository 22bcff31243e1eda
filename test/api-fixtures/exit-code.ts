// Exit codes decided by the locustfile: processExitCode in quitting, StopTest, a failing listener.
import { StopTest, User, constant, events, task } from 'locust-ts';

events.initCommandLineParser.addListener(({ parser }) => {
  parser.addArgument('--greeting', { default: 'hello' });
  parser.addArgument('--farewell', { default: 'bye', envVar: 'LOCUST_FAREWELL' });
  parser.addArgument('--mode', { default: 'stoptest', choices: ['stoptest', 'throw'] });
});

events.init.addListener(({ environment }) => {
  process.stderr.write(`MARK greeting=${String(environment.parsedOptions.greeting)} farewell=${String(environment.parsedOptions.farewell)}\n`);
});

events.testStart.addListener(({ environment }) => {
  if (environment.parsedOptions.mode === 'throw') throw new Error('listener boom');
});

events.quitting.addListener(({ environment }) => {
  if (environment.parsedOptions.mode === 'stoptest') environment.processExitCode = 3;
});

export class CountingUser extends User {
  waitTime = constant(0.05);
  count = 0;

  @task()
  op() {
    events.request.fire({ requestType: 'CUSTOM', name: 'op', responseTime: 1, responseLength: 0 });
    if (++this.count === 5 && this.environment.parsedOptions.mode === 'stoptest') throw new StopTest('enough requests');
  }
}
