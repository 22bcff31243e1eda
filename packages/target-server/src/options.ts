/** Command line and environment of the target server: flags win over env, env over defaults. */
import { parseArgs } from 'node:util';
import { type Knobs, KNOB_PARAMS, NO_KNOBS, parseKnob } from './knobs.js';

/** Like the original FastAPI target: port 8000 on all interfaces. */
export const DEFAULT_PORT = 8000;
export const DEFAULT_HOST = '0.0.0.0';
/**
 * Pending connections the kernel queues for us. Node's default (511) overflows when a pulse opens
 * 1,000 connections at once: the kernel drops the extra SYNs and clients retry after 1 s, which
 * spreads a synchronized edge over a second. uvicorn (the original target) defaults to 2048.
 */
export const DEFAULT_BACKLOG = 4096;

/** Environment variable of each knob. */
const KNOB_ENV: Record<keyof Knobs, string> = {
  latencyMs: 'TARGET_LATENCY_MS',
  errorRatio: 'TARGET_ERROR_RATIO',
  cpuMs: 'TARGET_CPU_MS',
};

export const USAGE = `Usage: locust-ts-target [--host HOST] [--port PORT] [--latency-ms MS] [--error-ratio R] [--cpu-ms MS] [--backlog N]

  --host HOST         interface to listen on (env HOST, default ${DEFAULT_HOST})
  --port PORT         TCP port (env PORT, default ${DEFAULT_PORT})
  --latency-ms MS     added latency per /hello request (env ${KNOB_ENV.latencyMs})
  --error-ratio R     share of /hello requests answered 500, 0..1 (env ${KNOB_ENV.errorRatio})
  --cpu-ms MS         busy CPU time per /hello request (env ${KNOB_ENV.cpuMs})
  --access-log FILE   write a line per request: epoch seconds (µs), client, method, url (env TARGET_ACCESS_LOG)
  --backlog N         listen backlog, pending connections the kernel queues (default ${DEFAULT_BACKLOG}; Node's own is 511)

Each /hello request may override the knobs: /hello?latency_ms=50&error_ratio=0.1&cpu_ms=5`;

export interface TargetOptions {
  host: string;
  port: number;
  knobs: Knobs;
  /** `--access-log FILE` (env TARGET_ACCESS_LOG): a timestamped line per request */
  accessLog: string | null;
  /** `--backlog N`: the listen backlog */
  backlog: number;
  help: boolean;
}

/** A bad flag or value: main prints the message (one line) and exits 2. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

function flagName(knob: keyof Knobs): string {
  return `--${KNOB_PARAMS[knob].replace('_', '-')}`;
}

function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port < 0 || port > 65_535) {
    throw new OptionsError(`${source} must be a port number from 0 to 65535, got '${text}'`);
  }
  return port;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): TargetOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'latency-ms': { type: 'string' },
        'error-ratio': { type: 'string' },
        'cpu-ms': { type: 'string' },
        'access-log': { type: 'string' },
        backlog: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new OptionsError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }

  const portFlag = values.port as string | undefined;
  const port = portFlag !== undefined ? parsePort(portFlag, '--port') : env.PORT ? parsePort(env.PORT, 'PORT') : DEFAULT_PORT;
  const host = (values.host as string | undefined) ?? (env.HOST || DEFAULT_HOST);

  const knobs: Knobs = { ...NO_KNOBS };
  try {
    for (const knob of Object.keys(KNOB_ENV) as Array<keyof Knobs>) {
      const flag = flagName(knob);
      const fromFlag = values[flag.slice(2)] as string | undefined;
      const fromEnv = env[KNOB_ENV[knob]];
      if (fromFlag !== undefined) knobs[knob] = parseKnob(knob, fromFlag, flag);
      else if (fromEnv) knobs[knob] = parseKnob(knob, fromEnv, KNOB_ENV[knob]);
    }
  } catch (err) {
    throw new OptionsError((err as Error).message);
  }
  const accessLog = (values['access-log'] as string | undefined) ?? (env.TARGET_ACCESS_LOG || null);
  const backlogFlag = values.backlog as string | undefined;
  if (backlogFlag !== undefined && !/^[1-9]\d{0,5}$/.test(backlogFlag.trim())) throw new OptionsError(`--backlog must be a whole number from 1 to 999999, got '${backlogFlag}'`);
  const backlog = backlogFlag === undefined ? DEFAULT_BACKLOG : Number(backlogFlag);
  return { host, port, knobs, accessLog, backlog, help: values.help === true };
}
