/**
 * pnpm kube up|scale|status|down — deploys the locust-ts swarm to Kubernetes (minikube by default).
 * Every failure ends in one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { DeployError, describeError } from './errors.js';
import { down, scale, status, up, type CommandOptions } from './commands.js';
import { DEFAULT_ROLLOUT_TIMEOUT_S, MAX_WORKERS } from './constants.js';

const USAGE = `usage: pnpm kube <command> [options]
commands:
  up       apply the manifests (server-side apply), wait for the rollout, print the UI URL
  scale    set the number of workers and wait for them
  status   show deployments, the target's autoscaler and the UI URL
  down     delete everything up created
options:
  --workers N          locust-ts workers (up: default 2 from the manifest)
  --python-workers N   real Python Locust workers from locustio/locust (up: adds them)
  --context NAME       use this kubeconfig context (needed for any context but minikube)
  --kubeconfig PATH    default: $KUBECONFIG or ~/.kube/config
  --namespace NAME     default: the context's namespace or "default"
  --timeout SECONDS    rollout timeout (default ${DEFAULT_ROLLOUT_TIMEOUT_S})
  --manifests DIR      a kustomization directory to apply instead of deploy/manifests/base`;

const COMMANDS = { up, scale, status, down } as const;
type CommandName = keyof typeof COMMANDS;

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

function count(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > max) {
    throw new DeployError(`${flag} must be a whole number from 0 to ${max}, got "${value}"`);
  }
  return n;
}

function parse(argv: string[]): { command: CommandName; options: CommandOptions } | 'help' {
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new DeployError(`${(error instanceof Error ? error.message : String(error)).split('\n')[0]} (see pnpm kube --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, ...extra] = positionals;
  if (!isCommand(command)) {
    throw new DeployError(command ? `unknown command "${command}": use up, scale, status or down` : 'missing command: use up, scale, status or down');
  }
  if (extra.length > 0) throw new DeployError(`unexpected argument "${extra[0]}"`);
  const timeoutS = count('--timeout', values.timeout, Number.MAX_SAFE_INTEGER) ?? DEFAULT_ROLLOUT_TIMEOUT_S;
  if (timeoutS === 0) throw new DeployError('--timeout must be at least 1 second');
  return {
    command,
    options: {
      workers: count('--workers', values.workers, MAX_WORKERS),
      pythonWorkers: count('--python-workers', values['python-workers'], MAX_WORKERS),
      context: values.context,
      kubeconfig: values.kubeconfig,
      namespace: values.namespace,
      manifests: values.manifests,
      timeoutS,
    },
  };
}

async function main(argv: string[]): Promise<number> {
  try {
    const request = parse(argv);
    if (request === 'help') {
      console.log(USAGE);
      return 0;
    }
    await COMMANDS[request.command](request.options, (line) => console.log(line));
    return 0;
  } catch (error) {
    console.error(`kube: error: ${describeError(error, 'the API server')}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
