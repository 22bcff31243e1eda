/** `GET /edges` (locust-ts): the synchronized edges, each with its spread and late workers. */
import type { FastifyPluginAsync } from 'fastify';
import type { MasterRunnerView } from '../../runner/runner-view.js';

export const edgesPlugin: FastifyPluginAsync<{ runner: MasterRunnerView }> = async (app, { runner }) => {
  app.get('/edges', async () => runner.edges?.() ?? { edges: [], notice: null });
};
