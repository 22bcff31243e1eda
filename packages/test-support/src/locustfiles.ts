/** Python locustfiles for tests that run the real Locust (Debian 2.12.1) as master or worker. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PythonLocustfileOptions {
  /** The `wait_time` expression (`constant` and `between` are imported). */
  waitTime?: string;
  /**
   * Set Locust's version first: Debian's build has an empty one, and a Python master refuses such
   * workers unless the locustfile sets it (common.md).
   */
  pinVersion?: boolean;
}

const PINNED_VERSION = `import locust, locust.runners
locust.__version__ = "2.12.1"
locust.runners.__version__ = "2.12.1"
`;

/** `locustfile.py` in a fresh temp dir: `SimpleUser` hitting GET /hello. Returns the file's path. */
export function writePythonLocustfile({ waitTime = 'constant(0.2)', pinVersion = false }: PythonLocustfileOptions = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'locustfile-py-')), 'locustfile.py');
  writeFileSync(
    file,
    `${pinVersion ? PINNED_VERSION : ''}from locust import HttpUser, between, constant, task


class SimpleUser(HttpUser):
    wait_time = ${waitTime}

    @task
    def hello(self):
        self.client.get("/hello")
`,
  );
  return file;
}

/** One user class, in TypeScript and in Python alike: a single task making `requests` in order. */
export interface TwinUser {
  className: string;
  /** `constant(waitSeconds)` between tasks */
  waitSeconds: number;
  requests: Array<{ path: string; timeoutSeconds?: number }>;
}

/**
 * `<name>.ts` (locust-ts) and `<name>.py` (Python Locust) of the same user in a fresh temp dir, so
 * a TS and a Python worker make exactly the same requests. Returns both paths.
 */
export function writeTwinLocustfiles(name: string, user: TwinUser): { ts: string; py: string } {
  const dir = mkdtempSync(join(tmpdir(), 'locustfile-twin-'));
  const ts = join(dir, `${name}.ts`);
  const py = join(dir, `${name}.py`);
  const tsCalls = user.requests.map((r) => `    await this.client.get('${r.path}'${r.timeoutSeconds !== undefined ? `, { timeout: ${r.timeoutSeconds} }` : ''});`);
  const pyCalls = user.requests.map((r) => `        self.client.get("${r.path}"${r.timeoutSeconds !== undefined ? `, timeout=${r.timeoutSeconds}` : ''})`);
  writeFileSync(ts, `import { HttpUser, constant, task } from 'locust-ts';
export class ${user.className} extends HttpUser {
  waitTime = constant(${user.waitSeconds});
  @task() async walk() {
${tsCalls.join('\n')}
  }
}
`);
  writeFileSync(py, `from locust import HttpUser, constant, task


class ${user.className}(HttpUser):
    wait_time = constant(${user.waitSeconds})

    @task
    def walk(self):
${pyCalls.join('\n')}
`);
  return { ts, py };
}
