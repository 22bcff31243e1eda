// A straight port of Locust 2.12.1's examples/custom_shape/step_load.py (step_load.py beside it).
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
 * A step load shape
 *
 * stepTime -- Time between steps
 * stepLoad -- User increase amount at each step
 * spawnRate -- Users to stop/start per second at every step
 * timeLimit -- Time limit in seconds
 */
export class StepLoadShape extends LoadTestShape {
  stepTime = 30;
  stepLoad = 10;
  spawnRate = 10;
  timeLimit = 600;

  tick(): [number, number] | null {
    const runTime = this.getRunTime();

    if (runTime > this.timeLimit) return null;

    const currentStep = Math.floor(runTime / this.stepTime) + 1;
    return [currentStep * this.stepLoad, this.spawnRate];
  }
}
