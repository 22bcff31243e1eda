/** Downloads: the CSV files and the HTML report (spec §8), named as the newest Locust names them. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { exceptionsCsv, failuresCsv, requestsCsv } from '../../report/csv-files.js';
import { formatSafeTimestamp } from '../format.js';
import type { ScaleRecorder } from '../../scale/recorder.js';
import { renderHtmlReport } from '../html-report.js';
import type { MasterRunnerView } from '../../runner/runner-view.js';

export interface DownloadsPluginOptions {
  runner: MasterRunnerView;
  /** `--watch-scale`: the report gets its Scaling section */
  scale?: ScaleRecorder | null;
  fullHistoryCsvPath: string | null;
}

export const NO_FULL_HISTORY = 'Error: Server was not started with option to generate full history.';

/** `Locust_2026-11-25-16h48_locustfile.ts_http://127.0.0.1:8000` — Locust's download stem. */
export function downloadStem(runner: MasterRunnerView): string {
  const start = runner.startTime ?? runner.stats.total.startTime;
  const host = runner.host ? `_${runner.host}` : '';
  return `Locust_${formatSafeTimestamp(start)}_${basename(runner.locustfile)}${host}`;
}

/** A filename for Content-Disposition: ASCII-safe, with the exact name in `filename*`. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment;filename="${ascii}";filename*=UTF-8''${encodeURIComponent(name)}`;
}

function sendCsv(reply: FastifyReply, runner: MasterRunnerView, kind: string, body: string): FastifyReply {
  return reply.type('text/csv').header('Content-Disposition', attachment(`${downloadStem(runner)}_${kind}.csv`)).send(body);
}

export const downloadsPlugin: FastifyPluginAsync<DownloadsPluginOptions> = async (app, { runner, fullHistoryCsvPath, scale }) => {
  app.get('/stats/requests/csv', async (_req, reply) => sendCsv(reply, runner, 'requests', requestsCsv(runner.stats)));
  app.get('/stats/failures/csv', async (_req, reply) => sendCsv(reply, runner, 'failures', failuresCsv(runner.stats)));
  app.get('/exceptions/csv', async (_req, reply) => sendCsv(reply, runner, 'exceptions', exceptionsCsv(runner.exceptions())));

  app.get('/stats/requests_full_history/csv', async (_req, reply) => {
    const path = fullHistoryCsvPath;
    const exists = path !== null && (await access(path).then(() => true, () => false));
    if (!path || !exists) return reply.code(404).type('text/html; charset=utf-8').send(NO_FULL_HISTORY);
    return reply
      .type('text/csv')
      .header('Content-Disposition', attachment(`${downloadStem(runner)}_requests_full_history.csv`))
      .send(createReadStream(path));
  });

  app.get<{ Querystring: { download?: string; theme?: string } }>('/stats/report', async (req, reply) => {
    const download = Boolean(req.query.download);
    reply.type('text/html; charset=utf-8');
    if (download) reply.header('Content-Disposition', attachment(`${downloadStem(runner)}.html`));
    return reply.send(await renderHtmlReport(runner, { showDownloadLink: !download, scale, theme: req.query.theme }));
  });
};
