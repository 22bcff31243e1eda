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
