/**
 * pnpm kube up|scale|status|down|logs|image|pulse — deploys the locust-ts swarm to Kubernetes
 * (minikube by default). Every failure ends in one line on stderr and exit code 1; pulse exits
 * as the master would (1 failed requests, 3 a scale assertion did not hold).
 */
import { parseArgs } from 'node:util';
import { DeployError, describeError } from './errors.js';
import { down, scale, up } from './commands.js';
import { logs, status } from './status.js';
import { image } from './image.js';
import { pulse } from './pulse/pulse.js';
import { DEFAULT_ROLLOUT_TIMEOUT_S, MAX_WORKERS } from './constants.js';
import type { Print } from './rollout.js';

const USAGE = `usage: pnpm kube <command> [options]
commands:
  image    build both images into minikube (its docker daemon, or minikube image build)
  up       render (kubectl kustomize), check against the schema, apply server-side, wait, print the UI URL
  scale    set the number of workers and wait for them (up keeps that count)
  status   deployments, pod problems, the target's autoscaler, the UI URL (--watch: every 2 s)
  logs     logs master|worker|target [--tail N]
  pulse    run a load shape through the master's REST API, one line per second, CSVs, scale figures
  down     delete everything up created
options:
  --workers N          locust-ts workers (up: default the running count, else 2 from the manifest)
  --python-workers N   real Python Locust workers from locustio/locust (up: adds them)
  --context NAME       use this kubeconfig context (needed for any context but minikube)
  --kubeconfig PATH    default: $KUBECONFIG (a list is merged as kubectl does) or ~/.kube/config
  --namespace NAME     default: the context's namespace or "default"
  --timeout SECONDS    rollout timeout (default ${DEFAULT_ROLLOUT_TIMEOUT_S}); pulse: give up after this long
  --manifests DIR      a kustomization directory to apply instead of deploy/manifests/base
  --profile NAME       image: the minikube profile
pulse options:
  --shape SPEC         e.g. square:base=0,peak=100,on=60s,off=60s,cycles=2 (required)
  --assert-scale EXPR  e.g. "ready>=2 within 120s", "replicas<=1 within 300s after stop" (repeatable; exit 3 when one fails)
  --url URL            the master's web URL (default: the NodePort, else kubectl port-forward)
  --web-auth USER:PASS the master's --web-auth credentials
  --csv PREFIX         local CSV files PREFIX_stats.csv, _failures, _exceptions, _timeline (default pulse)`;

type Values = Record<string, string | boolean | string[] | undefined>;
type Command = (values: Values, positionals: string[], print: Print) => Promise<number | void>;

function count(flag: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max) {
    throw new DeployError(`${flag} must be a whole number from 0 to ${max}, got "${text}"`);
  }
  return n;
}

function target(values: Values): { context?: string; kubeconfig?: string; namespace?: string } {
  return { context: values.context as string | undefined, kubeconfig: values.kubeconfig as string | undefined, namespace: values.namespace as string | undefined };
}

function timeout(values: Values): number | undefined {
  const seconds = count('--timeout', values.timeout, Number.MAX_SAFE_INTEGER);
  if (seconds === 0) throw new DeployError('--timeout must be at least 1 second');
  return seconds;
}

function deployOptions(values: Values) {
  return {
    ...target(values),
    workers: count('--workers', values.workers, MAX_WORKERS),
    pythonWorkers: count('--python-workers', values['python-workers'], MAX_WORKERS),
    manifests: values.manifests as string | undefined,
    timeoutS: timeout(values) ?? DEFAULT_ROLLOUT_TIMEOUT_S,
  };
}

function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new DeployError(`unexpected argument "${positionals[0]}"`);
}

const COMMANDS: Record<string, Command> = {
  up: (v, p, print) => (noPositionals(p), up(deployOptions(v), print)),
  scale: (v, p, print) => (noPositionals(p), scale(deployOptions(v), print)),
  down: (v, p, print) => (noPositionals(p), down(deployOptions(v), print)),
  status: (v, p, print) => (noPositionals(p), status({ ...target(v), watch: v.watch === true }, print)),
  image: (v, p, print) => (noPositionals(p), image({ profile: v.profile as string | undefined }, print)),
  logs: (v, p, print) => {
    if (p.length !== 1) throw new DeployError('logs needs one of master, worker, target');
    return logs({ ...target(v), role: p[0], tail: count('--tail', v.tail ?? '50', 100_000)! }, print);
  },
  pulse: (v, p, print) => {
    noPositionals(p);
    if (typeof v.shape !== 'string') throw new DeployError('pulse needs --shape SPEC, e.g. --shape square:base=0,peak=100,on=60s,off=60s,cycles=2');
    return pulse(
      {
        ...target(v),
        shape: v.shape,
        assertScale: (v['assert-scale'] as string[] | undefined) ?? [],
        url: v.url as string | undefined,
        webAuth: v['web-auth'] as string | undefined,
        csv: (v.csv as string | undefined) ?? 'pulse',
        timeoutS: timeout(v),
      },
      print,
    );
  },
};
const NAMES = Object.keys(COMMANDS).join(', ');

function parse(argv: string[]): { command: Command; values: Values; positionals: string[] } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        workers: { type: 'string' },
        'python-workers': { type: 'string' },
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        namespace: { type: 'string' },
        timeout: { type: 'string' },
        manifests: { type: 'string' },
        profile: { type: 'string' },
        watch: { type: 'boolean', short: 'w' },
        tail: { type: 'string' },
        shape: { type: 'string' },
        'assert-scale': { type: 'string', multiple: true },
        url: { type: 'string' },
        'web-auth': { type: 'string' },
        csv: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new DeployError(`${(error instanceof Error ? error.message : String(error)).split('\n')[0]} (see pnpm kube --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [name, ...rest] = positionals;
  if (name === undefined) throw new DeployError(`missing command: use ${NAMES}`);
  if (!Object.hasOwn(COMMANDS, name)) throw new DeployError(`unknown command "${name}": use ${NAMES}`);
  return { command: COMMANDS[name], values, positionals: rest };
}

async function main(argv: string[]): Promise<number> {
  try {
    const request = parse(argv);
    if (request === 'help') {
      console.log(USAGE);
      return 0;
    }
    return (await request.command(request.values, request.positionals, (line) => console.log(line))) ?? 0;
  } catch (error) {
    console.error(`kube: error: ${describeError(error, 'the API server')}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
