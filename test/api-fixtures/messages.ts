// The TypeScript port of messages.py: custom arguments, custom messages both ways, reportToMaster.
import { User, constant, events, task } from 'locust-ts';

function log(text: string): void {
  process.stderr.write(`MARK ${text}\n`);
}

events.initCommandLineParser.addListener(({ parser }) => {
  parser.addArgument('--greeting', { default: 'hello', help: 'What the workers say back' });
});

events.init.addListener(({ environment }) => {
  const runner = environment.runner!;
  if (runner.mode === 'master') {
    runner.registerMessage('ack', (_env, msg) => {
      const data = msg.data as { worker: string; greeting: string };
      log(`master got ack ${data.worker} ${data.greeting}`);
    });
    runner.registerMessage('data_ack', (_env, msg) => {
      const data = msg.data as { worker: string; value: number };
      log(`master got data_ack ${data.worker} ${data.value}`);
    });
  } else if (runner.mode === 'worker') {
    runner.registerMessage('test_data', (env, msg) => {
      env.runner!.sendMessage('data_ack', { worker: 'ts', value: (msg.data as { value: number }).value });
    });
  }
});

events.testStart.addListener(({ environment }) => {
  if (environment.runner?.mode === 'master') environment.runner.sendMessage('test_data', { value: 42 });
  else if (environment.runner?.mode === 'worker') {
    environment.runner.sendMessage('ack', { worker: 'ts', greeting: environment.parsedOptions.greeting });
  }
});

events.reportToMaster.addListener(({ data }) => {
  data.ts_extra = 1;
});

events.workerReport.addListener(({ data }) => {
  if (data.ts_extra) log('master got report ts');
  if (data.py_extra) log('master got report py');
});

export class MsgUser extends User {
  waitTime = constant(0.5);

  @task()
  op() {
    events.request.fire({ requestType: 'CUSTOM', name: 'op', responseTime: 1, responseLength: 0, exception: null, context: {} });
  }
}
