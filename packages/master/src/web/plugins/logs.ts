/** `GET /logs` (newest Locust): the master's log lines and each worker's last reported lines. */
import type { FastifyPluginAsync } from 'fastify';
import type { MasterRunnerView } from '../../runner/runner-view.js';

export const logsPlugin: FastifyPluginAsync<{ runner: MasterRunnerView }> = async (app, { runner }) => {
  app.get('/logs', async () => {
    const { master, workers } = runner.logs();
    return { master, workers };
  });
};
