/** Live stats for the UI and scripts: `/stats/requests`, `/exceptions`, `/tasks`, `/worker-count`. */
import type { FastifyPluginAsync } from 'fastify';
import type { MasterRunnerView } from '../../runner/runner-view.js';
import { exceptionsJson, requestStatsJson, tasksJson } from '../stats-json.js';

export interface StatsPluginOptions {
  runner: MasterRunnerView;
}

export const statsPlugin: FastifyPluginAsync<StatsPluginOptions> = async (app, { runner }) => {
  app.get('/stats/requests', async () => requestStatsJson(runner));
  app.get('/exceptions', async () => exceptionsJson(runner.exceptions()));
  app.get('/tasks', async () => tasksJson(runner));
  app.get('/worker-count', async () => ({ worker_count: runner.workerCount() }));
};
