// A straight port of Locust 2.12.1's examples/custom_shape/stages.py (stages.py beside it).
import { HttpUser, LoadTestShape, TaskSet, constant, task } from 'locust-ts';

class UserTasks extends TaskSet {
  @task()
  async getRoot() {
    await this.client.get('/');
  }
}

export class WebsiteUser extends HttpUser {
  waitTime = constant(0.5);
  static tasks = [UserTasks];
}

/**
 * A simply load test shape class that has different user and spawn_rate at different stages.
 *
 * stages -- A list of stages, each with: duration (when this many seconds pass the test is
 * advanced to the next stage), users (total user count), spawnRate (users to start/stop per second)
 */
export class StagesShape extends LoadTestShape {
  stages = [
    { duration: 60, users: 10, spawnRate: 10 },
    { duration: 100, users: 50, spawnRate: 10 },
    { duration: 180, users: 100, spawnRate: 10 },
    { duration: 220, users: 30, spawnRate: 10 },
    { duration: 230, users: 10, spawnRate: 10 },
    { duration: 240, users: 1, spawnRate: 1 },
  ];

  tick(): [number, number] | null {
    const runTime = this.getRunTime();

    for (const stage of this.stages) {
      if (runTime < stage.duration) return [stage.users, stage.spawnRate];
    }

    return null;
  }
}
