/**
 * The master's web server: Locust's React UI and REST API on Fastify. A tiny core that wires
 * auth and one plugin per group of routes; the runner is passed in, nothing is global.
 */
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { installBasicAuth, parseWebAuth } from './auth.js';
import { installWebLogin } from './web-login.js';
import type { WebUiHandle, WebUiOptions } from './options.js';
import { downloadsPlugin } from './plugins/downloads.js';
import { edgesPlugin } from './plugins/edges.js';
import { logsPlugin } from './plugins/logs.js';
import { metricsPlugin } from './plugins/metrics.js';
import { scalePlugin } from './plugins/scale.js';
import { statsPlugin } from './plugins/stats.js';
import { swarmControlPlugin } from './plugins/swarm-control.js';
import { uiAssetsPlugin } from './plugins/ui-assets.js';
import type { MasterRunnerView } from '../runner/runner-view.js';

/** Hosts meaning "every interface" (Locust's default `--web-host` is ""). */
const ALL_INTERFACES = new Set(['', '*', '0.0.0.0', '::']);

/** `/locust/` or `locust` → `/locust`; '' or '/' → ''. */
export function normalizeBasePath(path: string | undefined): string {
  const trimmed = (path ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/**
 * The master's Fastify instance, made before `init` fires so a locustfile's listener can add its
 * routes and hooks (`webUi.app`, Locust's `web_ui.app`); `startWebUi` adds auth and the UI's own
 * routes to it. Fastify applies root hooks to every route at `ready`, so the locustfile's routes
 * sit behind the same `--web-auth`/`--web-login` whatever the order.
 */
export function createWebApp(options: Pick<WebUiOptions, 'tlsCert' | 'tlsKey'>): FastifyInstance {
  const tls = options.tlsCert && options.tlsKey ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : null;
  // one instance type for the plugins: HTTPS changes only how the server listens
  return (tls ? Fastify({ logger: false, https: tls }) : Fastify({ logger: false })) as unknown as FastifyInstance;
}

/** Start the web UI and REST API on `app` (default: a new one); resolves once it listens. The caller prints `url`. */
export async function startWebUi(runner: MasterRunnerView, options: WebUiOptions, app?: FastifyInstance): Promise<WebUiHandle> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.auth !== undefined) parseWebAuth(options.auth); // fail fast on a malformed --web-auth
  const distDir = await ensureWebUiBuilt(log);
  const prefix = normalizeBasePath(options.webBasePath);
  const tls = Boolean(options.tlsCert && options.tlsKey);
  app ??= createWebApp(options);
  if (options.auth !== undefined) installBasicAuth(app, options.auth);
  if (options.webLogin) await installWebLogin(app, { webUi: options.webLogin, prefix, distDir, log });
  // Locust enables CORS for every route (flask_cors defaults): scripts in other origins may read.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('Access-Control-Allow-Origin', '*');
  });

  await app.register(uiAssetsPlugin, { prefix, runner, options, distDir, baseUrl: prefix ? `${prefix}/` : null });
  await app.register(swarmControlPlugin, {
    prefix,
    runner,
    isShape: options.isShape ?? false,
    shapeName: options.shapeName ?? 'LoadShape',
    classPicker: options.classPicker ?? false,
    log,
    extraOptionNames: Object.keys(options.extraOptions ?? {}),
    ...(options.parsedOptions ? { parsedOptions: options.parsedOptions } : {}),
  });
  await app.register(statsPlugin, { prefix, runner });
  await app.register(downloadsPlugin, { prefix, runner, fullHistoryCsvPath: options.fullHistoryCsvPath ?? null, scale: options.scale ?? null });
  await app.register(logsPlugin, { prefix, runner });
  await app.register(edgesPlugin, { prefix, runner });
  await app.register(scalePlugin, { prefix, scale: options.scale ?? null });
  await app.register(metricsPlugin, { prefix, runner, scale: options.scale ?? null });

  const bindHost = ALL_INTERFACES.has(options.host) ? '0.0.0.0' : options.host;
  await app.listen({ host: bindHost, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = ALL_INTERFACES.has(options.host) ? 'localhost' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}${prefix}`,
    port,
    close: () => app.close(),
  };
}
