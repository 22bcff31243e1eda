/** `GET /scale`: the scale watch's timeline, events, figures and assertions (contract K5). */
import type { FastifyPluginAsync } from 'fastify';
import { DISABLED_SCALE_VIEW, type ScaleRecorder } from '../../scale/recorder.js';

export interface ScalePluginOptions {
  scale: ScaleRecorder | null;
}

export const scalePlugin: FastifyPluginAsync<ScalePluginOptions> = async (app, { scale }) => {
  app.get('/scale', async () => (scale ? scale.view() : DISABLED_SCALE_VIEW));
};
