// A straight port of Locust 2.12.1's examples/custom_messages.py (custom_messages.py beside it).
import { type CustomMessageEnvelope, type Environment, HttpUser, type UserEnvironment, between, events, task } from 'locust-ts';

const usernames: string[] = [];

function setupTestUsers(environment: Environment, msg: CustomMessageEnvelope) {
  // Fired when the worker receives a message of type 'test_users'
  const data = msg.data as Array<{ name: string }>;
  usernames.push(...data.map((u) => u.name));
  environment.runner!.sendMessage('acknowledge_users', `Thanks for the ${data.length} users!`);
}

function onAcknowledge(_environment: Environment, msg: CustomMessageEnvelope) {
  // Fired when the master receives a message of type 'acknowledge_users'
  console.log(msg.data);
}

events.init.addListener(({ environment }) => {
  if (environment.runner!.mode !== 'master') environment.runner!.registerMessage('test_users', setupTestUsers);
  if (environment.runner!.mode !== 'worker') environment.runner!.registerMessage('acknowledge_users', onAcknowledge);
});

events.testStart.addListener(({ environment }) => {
  // When the test is started, evenly divides list between
  // worker nodes to ensure unique data across threads
  const runner = environment.runner!;
  if (runner.mode !== 'worker') {
    const users: Array<{ name: string }> = [];
    for (let i = 0; i < runner.targetUserCount; i++) users.push({ name: `User${i}` });

    const workerCount = runner.workerCount!;
    const chunkSize = Math.trunc(users.length / workerCount);

    for (const [i, worker] of [...runner.clients].entries()) {
      const startIndex = i * chunkSize;
      const endIndex = i + 1 < workerCount ? startIndex + chunkSize : users.length;
      const data = users.slice(startIndex, endIndex);
      runner.sendMessage('test_users', data, worker);
    }
  }
});

export class WebsiteUser extends HttpUser {
  static host = 'http://127.0.0.1:8089';
  waitTime = between(2, 5);
  username: string;

  constructor(environment: UserEnvironment) {
    super(environment);
    this.username = usernames.pop()!;
  }

  @task()
  task() {
    console.log(this.username);
  }
}
