// Locust's runner-side events, each logged with the process that fired it (master or worker).
import { type Environment, User, constant, events, task } from 'locust-ts';

let env: Environment | null = null;
const log = (text: string) => process.stderr.write(`MARK ${env?.runner?.mode ?? 'none'} ${text}\n`);

events.init.addListener(({ environment }) => {
  env = environment;
});
events.workerConnect.addListener(({ clientId }) => log(`workerConnect ${clientId}`));
events.heartbeatSent.addListener(({ clientId, timestamp }) => log(`heartbeatSent ${clientId} ${timestamp > 0}`));
events.heartbeatReceived.addListener(({ clientId, timestamp }) => log(`heartbeatReceived ${clientId} ${timestamp > 0}`));
events.usageMonitor.addListener(({ environment, cpuUsage, memoryUsage }) =>
  log(`usageMonitor ${environment === env} ${cpuUsage >= 0} ${memoryUsage > 0}`));
events.resetStats.addListener(() => log(`resetStats requests=${env?.stats?.total.numRequests}`));
events.userError.addListener(({ userInstance, exception, tb }) =>
  log(`userError ${(userInstance as object).constructor.name} ${(exception as Error).message} ${tb.includes('events.ts')}`));

export class EventsUser extends User {
  waitTime = constant(0.1);
  count = 0;

  @task()
  op() {
    events.request.fire({ requestType: 'CUSTOM', name: 'op', responseTime: 1, responseLength: 0 });
    if (++this.count === 2) throw new Error('boom');
  }
}
