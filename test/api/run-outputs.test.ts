/**
 * `--logfile` (log lines go to the file, not stderr), `--json` / `--json-file` (the final stats as
 * Locust's `serialize_stats()`), and `LOCUST_USER_CLASSES`, on a local run that StopTest ends;
 * the web UI over HTTPS with `--tls-cert`/`--tls-key`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { get } from 'node:https';
import { cleanEnv, killAll, runBin, startBin } from '@locust-ts/test-support/process';
import { REPO_ROOT } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';

const LOCUSTFILE = join(REPO_ROOT, 'test/api/fixtures/exit-code.ts');
const scratch = mkdtempSync(join(tmpdir(), 'api-outputs-'));
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('run outputs', () => {
  it('--logfile takes the log lines; --json prints and --json-file writes the final stats', async () => {
    const logfile = join(scratch, 'run.log');
    const jsonFile = join(scratch, 'stats');
    const { code, output } = await runBin(
      ['-f', LOCUSTFILE, '--headless', '-u', '1', '-r', '1', '-t', '60s', '--logfile', logfile, '--json', '--json-file', jsonFile],
      50_000,
    );
    expect(code).toBe(3);
    const logged = readFileSync(logfile, 'utf8');
    expect(logged).toMatch(/\/INFO\/locust\.main: Shutting down \(exit code 3\)/);
    expect(logged).toMatch(/\/ERROR\/.*enough requests/);
    expect(output).not.toMatch(/^\[\d{4}-\d\d-\d\d [^\]]+\] [^/]+\/INFO\//m);
    const rows = JSON.parse(readFileSync(`${jsonFile}.json`, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'op', method: 'CUSTOM', num_requests: 5, num_failures: 0 });
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['last_request_timestamp', 'max_response_time', 'method', 'min_response_time', 'name', 'num_fail_per_sec', 'num_failures',
        'num_none_requests', 'num_reqs_per_sec', 'num_requests', 'response_times', 'start_time', 'total_content_length',
        'total_response_time'].sort(),
    );
    expect(output).toMatch(/"name": "op",\n\s+"method": "CUSTOM"/);
  });

  it('LOCUST_USER_CLASSES names the user classes to run', async () => {
    const { code, output } = await runBin(['-f', LOCUSTFILE, '-l'], 30_000, { env: cleanEnv({ LOCUST_USER_CLASSES: 'NoSuchUser' }) });
    expect(code).toBe(1);
    expect(output).toContain('NoSuchUser');
  });
});

describe('the web UI over HTTPS', () => {
  it('--tls-cert/--tls-key serve the UI and REST API over HTTPS; one without the other is an error', async () => {
    const [cert, key] = [join(scratch, 'cert.pem'), join(scratch, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const [webPort, masterPort] = await Promise.all([freePort(), freePort()]);
    const master = startBin([
      '-f', LOCUSTFILE, '--master', '--tls-cert', cert, '--tls-key', key, '--web-host', '127.0.0.1', '--web-port', String(webPort),
      '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
    ]);
    await master.waitFor(new RegExp(`Starting web interface at https://127\\.0\\.0\\.1:${webPort}`), 40_000);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`https://127.0.0.1:${webPort}/stats/requests`, { rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      }).on('error', reject);
    });
    expect(status).toBe(200);
    expect((JSON.parse(body) as { state: string }).state).toBe('ready');
    master.kill();

    const lone = await runBin(['-f', LOCUSTFILE, '--tls-cert', cert], 30_000);
    expect(lone.output.trim()).toBe('locust-ts: error: --tls-cert and --tls-key must be used together');
    expect(lone.code).toBe(1);
  });
});
