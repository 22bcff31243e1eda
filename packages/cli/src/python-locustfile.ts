/**
 * A `.py` locustfile given to the TS master: python3 reads it (the master package's
 * `inspectPythonLocustfile`); its custom arguments become ours (same flags, defaults, types,
 * env vars, choices, web UI fields), and what the master cannot run — a LoadTestShape, listeners
 * of events that fire on the master — is named in one line each with what to do instead.
 */
import type { ArgumentOptions } from '@locust-ts/protocol';
import type { PythonArgument, PythonLocustfile } from '@locust-ts/master';
import type { CustomArgumentParser } from './custom-arguments.js';

/** Locust events whose listeners run on the master (the rest run on the Python workers, which load the same file). */
const MASTER_SIDE_EVENTS = [
  'init', 'test_start', 'test_stopping', 'test_stop', 'spawning_complete', 'quitting', 'quit', 'worker_report',
  'worker_connect', 'reset_stats', 'cpu_warning', 'usage_monitor', 'heartbeat_received',
];

const ACTIONS: Readonly<Record<string, ArgumentOptions['action']>> = {
  _StoreAction: 'store',
  _StoreTrueAction: 'store_true',
  _StoreFalseAction: 'store_false',
  _AppendAction: 'append',
};

/** argparse's action → our options, or the reason it cannot be read exactly. */
function asOptions(arg: PythonArgument): { options: ArgumentOptions; inexact: string | null } {
  let inexact: string | null = null;
  const action = ACTIONS[arg.action];
  if (!action) inexact = `${arg.action.replace(/^_|Action$/g, '')} action read as a value`;
  const flag = action === 'store_true' || action === 'store_false';
  let type: ArgumentOptions['type'];
  if (arg.type === 'int' || arg.type === 'float') type = arg.type;
  else if (arg.type !== null && arg.type !== 'str' && !flag) inexact = `type=${arg.type} read as text`;
  let nargs: ArgumentOptions['nargs'];
  if (arg.nargs === '*' || arg.nargs === '+') nargs = arg.nargs;
  else if (arg.nargs !== null && !flag) inexact = `nargs=${JSON.stringify(arg.nargs)} read as one value`;
  const options: ArgumentOptions = {
    action: action ?? 'store',
    ...(type ? { type } : {}),
    ...(nargs ? { nargs } : {}),
    ...(arg.default !== null && arg.default !== undefined ? { default: arg.default as ArgumentOptions['default'] } : {}),
    ...(arg.choices ? { choices: arg.choices as Array<string | number> } : {}),
    ...(arg.help ? { help: arg.help } : {}),
    ...(typeof arg.metavar === 'string' ? { metavar: arg.metavar } : {}),
    ...(arg.envVar ? { envVar: arg.envVar } : {}),
    includeInWebUi: arg.includeInWebUi,
    required: arg.required,
    dest: arg.dest,
  };
  return { options, inexact };
}

/** Add the `.py` file's custom arguments to `parser`; returns one line for those not read exactly. */
export function addPythonArguments(path: string, file: PythonLocustfile, parser: CustomArgumentParser): string[] {
  const inexact: string[] = [];
  for (const arg of file.arguments) {
    if (arg.flags.length === 0) {
      inexact.push(`${arg.dest} (a positional argument, not supported: give it a --flag)`);
      continue;
    }
    const { options, inexact: why } = asOptions(arg);
    const [first, second] = arg.flags as [string, string?];
    if (second !== undefined) parser.addArgument(first, second, options);
    else parser.addArgument(first, options);
    if (why) inexact.push(`${arg.flags.join('/')} (${why})`);
  }
  const notices: string[] = [];
  if (inexact.length > 0) notices.push(`Custom arguments of ${path} read approximately by the locust-ts master: ${inexact.join(', ')}`);
  if (file.argumentsError) notices.push(`An init_command_line_parser listener of ${path} failed on the master (${file.argumentsError}): its arguments after the failure are missing`);
  return notices;
}

/** One line each for what the TS master does not run from a `.py` locustfile, with what to do instead. */
export function pythonNotices(path: string, file: PythonLocustfile): string[] {
  const notices: string[] = [];
  if (file.shapes.length > 0) {
    notices.push(
      `${file.shapes.join(', ')} (LoadTestShape) in ${path} does not run on the locust-ts master: write the shape in a .ts locustfile ` +
        'with the same user class names and give that to the master (-f shape.ts), or use --shape',
    );
  }
  const masterSide = MASTER_SIDE_EVENTS.filter((event) => (file.listeners[event] ?? 0) > 0);
  if (masterSide.length > 0) {
    notices.push(
      `Listeners of ${masterSide.join(', ')} in ${path} do not run on the locust-ts master (they still run on its Python workers): ` +
        'put the master\'s part in a .ts locustfile with the same user class names and give that to the master',
    );
  }
  return notices;
}
