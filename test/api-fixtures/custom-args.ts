// Custom arguments of every kind (the twin of custom-args.py): the init listener prints what the
// locustfile sees and exits, so a test compares Python Locust 2.12.1 and locust-ts value by value.
import { User, constant, events, task } from 'locust-ts';

events.initCommandLineParser.addListener(({ parser }) => {
  parser.addArgument('--my-flag', { default: true, help: 'a bool default' });
  parser.addArgument('--off-flag', { default: false, help: 'false default' });
  parser.addArgument('--count', { type: 'int', default: 3, help: 'an int' });
  parser.addArgument('--ratio', { type: 'float', default: 0.5 });
  parser.addArgument('--mode', { default: 'a', choices: ['a', 'b'], help: 'pick one' });
  parser.addArgument('--verbose-x', { action: 'store_true' });
  parser.addArgument('--quiet-x', { action: 'store_false' });
  parser.addArgument('--with-env', { default: 'd', envVar: 'MY_WITH_ENV' });
  parser.addArgument('--plain', { default: 'p' });
  parser.addArgument('--items', { nargs: '*', default: [] });
  parser.addArgument('--many', { action: 'append' });
  parser.addArgument('--no-default');
});

const KEYS = ['my_flag', 'off_flag', 'count', 'ratio', 'mode', 'verbose_x', 'quiet_x', 'with_env', 'plain', 'items', 'many', 'no_default'];

events.init.addListener(({ environment }) => {
  const options = environment.parsedOptions;
  console.log(`MARK ${JSON.stringify(Object.fromEntries(KEYS.map((key) => [key, options[key]])))}`);
  process.exit(0);
});

export class Idle extends User {
  waitTime = constant(1);

  @task()
  idle(): void {}
}
