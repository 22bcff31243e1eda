/** `pnpm dev` flags: how big the swarm is and which ports it uses. */
import { parseArgs } from 'node:util';
import { DEFAULT_MASTER_PORT, DEFAULT_WEB_PORT, DevUsageError } from '@locust-ts/protocol';

export const DEFAULT_TARGET_PORT = 8000;
export const DEFAULT_TS_WORKERS = 4;
export const DEFAULT_LOCUSTFILE = 'examples/locustfile.ts';
export const PYTHON_LOCUST = '/usr/bin/locust';

export interface DevOptions {
  tsWorkers: number;
  pythonWorkers: number;
  targetPort: number;
  webPort: number;
  masterPort: number;
  locustfile: string;
  /** print the workers' own log lines too (the master's and target's are always shown) */
  verbose: boolean;
}

export { DevUsageError };

export const DEV_HELP = `Usage: pnpm dev [options]

Starts the target server, a locust-ts master with the web UI and a swarm of workers on 127.0.0.1.
Ctrl-C (or SIGTERM) stops everything.

  --workers N          TypeScript workers (default ${DEFAULT_TS_WORKERS})
  --python-workers N   real Python Locust workers from ${PYTHON_LOCUST} (default 0)
  --port-offset K      add K to every default port (run beside another instance)
  --target-port P      target server port (default ${DEFAULT_TARGET_PORT})
  --web-port P         web UI port (default ${DEFAULT_WEB_PORT})
  --master-port P      master port for workers (default ${DEFAULT_MASTER_PORT})
  -f, --locustfile F   TypeScript locustfile (default ${DEFAULT_LOCUSTFILE})
  -v, --verbose        also show the workers' log lines
  -h, --help           show this help`;

function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new DevUsageError(`--${name} needs a whole number, got '${text}'`);
  return Number(text);
}

function port(name: string, text: string | undefined, fallback: number): number {
  const value = count(name, text, fallback);
  if (value < 1 || value > 65535) throw new DevUsageError(`--${name}: ${value} is not a valid port`);
  return value;
}

/** `null` = help was asked for. */
export function parseDevOptions(argv: string[]): DevOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        workers: { type: 'string' },
        'python-workers': { type: 'string' },
        'port-offset': { type: 'string' },
        'target-port': { type: 'string' },
        'web-port': { type: 'string' },
        'master-port': { type: 'string' },
        locustfile: { type: 'string', short: 'f' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new DevUsageError((err as Error).message.split('\n')[0]!);
  }
  if (values.help) return null;
  const offset = count('port-offset', values['port-offset'], 0);
  const options: DevOptions = {
    tsWorkers: count('workers', values.workers, DEFAULT_TS_WORKERS),
    pythonWorkers: count('python-workers', values['python-workers'], 0),
    targetPort: port('target-port', values['target-port'], DEFAULT_TARGET_PORT + offset),
    webPort: port('web-port', values['web-port'], DEFAULT_WEB_PORT + offset),
    masterPort: port('master-port', values['master-port'], DEFAULT_MASTER_PORT + offset),
    locustfile: values.locustfile ?? DEFAULT_LOCUSTFILE,
    verbose: values.verbose ?? false,
  };
  const ports = [options.targetPort, options.webPort, options.masterPort];
  if (new Set(ports).size !== ports.length) throw new DevUsageError(`ports must differ: target ${ports[0]}, web ${ports[1]}, master ${ports[2]}`);
  return options;
}
