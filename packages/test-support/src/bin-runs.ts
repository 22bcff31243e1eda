/** The set-up shared by test files that run the real `locust-ts` bin against the target server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { killAll } from './process.js';
import { type TargetServer, startTargetServer } from './target-server.js';

export interface BinRuns {
  /** A temp dir for this file's locustfiles, CSV and HTML files. */
  readonly scratch: string;
  /** The target server's URL (set in `beforeAll`). */
  targetUrl: string;
}

/**
 * Register `beforeAll`/`afterAll` for this test file: the target server starts first; afterwards
 * every bin process still running is killed, the server stopped and the scratch dir removed.
 */
export function useBinRuns(scratchPrefix: string): BinRuns {
  const runs: BinRuns = { scratch: mkdtempSync(join(tmpdir(), scratchPrefix)), targetUrl: '' };
  let target: TargetServer | undefined;
  beforeAll(async () => {
    target = await startTargetServer();
    runs.targetUrl = target.url;
  });
  afterAll(async () => {
    killAll();
    await target?.close();
    rmSync(runs.scratch, { recursive: true, force: true });
  });
  return runs;
}
