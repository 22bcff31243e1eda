// A straight port of Locust 2.12.1's examples/manual_stats_reporting.py (beside it). Python's
// context manager / decorator `manual_report` becomes a function that runs a block (or wraps a
// method) and reports its run time to `events.request`, with the thrown error if any.
import { setTimeout as sleep } from 'node:timers/promises';
import { User, constant, events, task } from 'locust-ts';

async function manualReport<T>(name: string, block: () => Promise<T> | T): Promise<T> {
  const startTime = performance.now();
  try {
    const result = await block();
    events.request.fire({ requestType: 'manual', name, responseTime: performance.now() - startTime, responseLength: 0, exception: null });
    return result;
  } catch (e) {
    events.request.fire({ requestType: 'manual', name, responseTime: performance.now() - startTime, responseLength: 0, exception: e });
    throw e;
  }
}

/** Used as a method decorator without a name: the stats entry is the method's name. */
function manualReportDecorator<This, R>(method: (this: This) => Promise<R> | R, context: ClassMethodDecoratorContext<This>) {
  return function (this: This) {
    return manualReport(String(context.name), () => method.call(this));
  };
}

export class MyUser extends User {
  waitTime = constant(1);

  @task()
  async successful_task() {
    await manualReport('successful_task', () => sleep(Math.random() * 1000));
  }

  @task()
  @manualReportDecorator
  async decorator_test() {
    if (Math.random() > 0.5) throw new Error('decorator_task failed');
    await sleep(Math.random() * 1000);
  }

  @task()
  async failing_task() {
    await manualReport('failing_task', async () => {
      await sleep(Math.random() * 1000);
      throw new Error('Oh nooes!');
    });
  }
}
