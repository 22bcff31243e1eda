/**
 * The React UI: `/` renders the built index.html with `window.templateArgs`, `/assets/*` serves
 * the Vite bundle and images from packages/webui/dist.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { WebUiOptions } from '../options.js';
import type { MasterRunnerView } from '../../runner/runner-view.js';
import { renderIndexHtml, templateArgs } from '../template-args.js';

export interface UiAssetsPluginOptions {
  runner: MasterRunnerView;
  options: WebUiOptions;
  /** the built UI (index.html + assets/) */
  distDir: string;
  /** `window.baseUrl` for the UI's API calls, set under a base path */
  baseUrl: string | null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Vite names bundles by content hash: they never change, so browsers may keep them. */
const HASHED_ASSET = /-[A-Za-z0-9_-]{8}\.(js|css)$/;
const ONE_YEAR_SECONDS = 31_536_000;

export const uiAssetsPlugin: FastifyPluginAsync<UiAssetsPluginOptions> = async (app, { runner, options, distDir, baseUrl }) => {
  const indexHtml = await readFile(join(distDir, 'index.html'), 'utf8');
  const assetsDir = resolve(distDir, 'assets');

  app.get('/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(renderIndexHtml(indexHtml, templateArgs(runner, options), baseUrl)),
  );

  app.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) => {
    const file = resolve(assetsDir, req.params['*']);
    // Never serve anything outside dist/assets (`..` in the path).
    if (!file.startsWith(assetsDir + sep)) return reply.code(404).send('Not Found');
    const body = await readFile(file).catch(() => null);
    if (!body) return reply.code(404).type('text/plain').send('Not Found');
    if (HASHED_ASSET.test(file)) reply.header('Cache-Control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`);
    return reply.type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream').send(body);
  });
};
