/**
 * User classes of a Python locustfile, learned by asking Python itself: `python3` imports the
 * file the way Locust does and prints each concrete `User` subclass's name, weight, fixed_count
 * and task names as JSON. Real Python workers then get spawn messages with exactly their class
 * names, and nobody has to type them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { UserClassDescription } from '@locust-ts/protocol';
import { UserClassLoadError } from '@locust-ts/protocol';

/** The interpreter Debian's Locust runs on; `python3` from PATH otherwise. */
export const DEFAULT_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** Importing locust (gevent) plus a locustfile takes a second or two; more means something hangs. */
export const PYTHON_IMPORT_TIMEOUT_MS = 30_000;

const MARKER = '@@locust-ts-user-classes@@';

/**
 * Runs inside python3: argv[1] = locustfile path. Prints MARKER + JSON as its last line: the
 * concrete User classes, and what the TS master must not drop silently: LoadTestShape classes,
 * event listeners the file added (per event), and its custom arguments (fired
 * `init_command_line_parser` on Locust's own parser, each new argparse action described).
 */
const INTROSPECT_SCRIPT = `
import sys, os, json, inspect, importlib.util, traceback
MARK = ${JSON.stringify(MARKER)}
def done(obj):
    print(MARK + json.dumps(obj)); sys.stdout.flush(); os._exit(0)
path = os.path.abspath(sys.argv[1])
sys.path.insert(0, os.path.dirname(path))
try:
    from locust import User, events
except Exception as e:
    done({"error": "cannot import locust (%s): is Locust installed for this python?" % e})
def handler_counts():
    return {k: len(v._handlers) for k, v in vars(events).items() if hasattr(v, "_handlers")}
before = handler_counts()
try:
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
except Exception as e:
    done({"error": "importing %s failed: %s" % (path, traceback.format_exception_only(type(e), e)[-1].strip())})
listeners = {k: n - before.get(k, 0) for k, n in handler_counts().items() if n > before.get(k, 0)}
classes, seen = [], set()
for value in list(vars(module).values()):
    if not (inspect.isclass(value) and issubclass(value, User) and getattr(value, "abstract", True) is False):
        continue
    if value.__name__ in seen:
        continue
    seen.add(value.__name__)
    tasks = {}
    for task in getattr(value, "tasks", None) or []:
        task_name = getattr(task, "__name__", str(task))
        tasks[task_name] = tasks.get(task_name, 0) + 1
    classes.append({"name": value.__name__, "weight": getattr(value, "weight", 1) or 0,
                    "fixedCount": getattr(value, "fixed_count", 0) or 0, "tasks": tasks})
shapes = []
try:
    from locust import LoadTestShape
    shapes = sorted({v.__name__ for v in vars(module).values()
                     if inspect.isclass(v) and issubclass(v, LoadTestShape) and v is not LoadTestShape and not getattr(v, "abstract", False)})
except Exception:
    pass
def plain(value):
    try:
        json.dumps(value); return value
    except Exception:
        return repr(value)
arguments, arguments_error = [], None
try:
    from locust import argument_parser
    parser = argument_parser.get_empty_argument_parser(add_help=False)
    known = {id(a) for a in parser._actions}
    events.init_command_line_parser.fire(parser=parser)
    for a in parser._actions:
        if id(a) in known:
            continue
        t = a.type
        arguments.append({"flags": list(a.option_strings), "dest": a.dest, "action": type(a).__name__,
                          "nargs": plain(a.nargs), "default": plain(a.default),
                          "type": None if t is None else getattr(t, "__name__", repr(t)),
                          "choices": [plain(c) for c in a.choices] if a.choices else None,
                          "help": a.help, "metavar": plain(a.metavar), "envVar": getattr(a, "env_var", None),
                          "includeInWebUi": getattr(a, "include_in_web_ui", True), "required": bool(a.required)})
except Exception as e:
    arguments_error = traceback.format_exception_only(type(e), e)[-1].strip()
done({"classes": classes, "shapes": shapes, "listeners": listeners, "arguments": arguments, "argumentsError": arguments_error})
`;

/** One argparse action a `.py` locustfile's `init_command_line_parser` listener added. */
export interface PythonArgument {
  flags: string[];
  dest: string;
  /** argparse's action class: `_StoreAction`, `_StoreTrueAction`, `_AppendAction`, … */
  action: string;
  nargs: unknown;
  default: unknown;
  /** the `type=` callable's name (`int`, `float`, `str`, …), null when none */
  type: string | null;
  choices: unknown[] | null;
  help: string | null;
  metavar: unknown;
  envVar: string | null;
  includeInWebUi: boolean;
  required: boolean;
}

/** What python3 learned from a `.py` locustfile. */
export interface PythonLocustfile {
  classes: UserClassDescription[];
  /** LoadTestShape subclasses defined in the file */
  shapes: string[];
  /** listeners the file added, per Locust event name (`test_start`: 1) */
  listeners: Record<string, number>;
  arguments: PythonArgument[];
  /** an `init_command_line_parser` listener failed (its arguments are then incomplete) */
  argumentsError: string | null;
}

export { UserClassLoadError };

/** Import a Python locustfile with `python` and describe its User classes. */
export async function loadPythonUserClasses(locustfile: string, python = DEFAULT_PYTHON): Promise<UserClassDescription[]> {
  const file = await inspectPythonLocustfile(locustfile, python);
  if (!file.classes.length) throw new UserClassLoadError(`No User class found in ${locustfile}`);
  return file.classes;
}

/** Import a Python locustfile with `python`: its User classes, shapes, listeners and custom arguments. */
export function inspectPythonLocustfile(locustfile: string, python = DEFAULT_PYTHON): Promise<PythonLocustfile> {
  if (!existsSync(locustfile)) return Promise.reject(new UserClassLoadError(`Could not find '${locustfile}'`));
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ['-c', INTROSPECT_SCRIPT, locustfile],
      { timeout: PYTHON_IMPORT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      (err, stdout) => {
        const line = stdout
          .split('\n')
          .reverse()
          .find((l) => l.startsWith(MARKER));
        if (!line) {
          const why = err ? err.message.split('\n')[0] : 'no answer';
          reject(new UserClassLoadError(`could not read user classes from ${locustfile} with ${python}: ${why}`));
          return;
        }
        const result = JSON.parse(line.slice(MARKER.length)) as Partial<PythonLocustfile> & { error?: string };
        if (result.error) reject(new UserClassLoadError(result.error));
        else {
          resolve({
            classes: result.classes ?? [],
            shapes: result.shapes ?? [],
            listeners: result.listeners ?? {},
            arguments: result.arguments ?? [],
            argumentsError: result.argumentsError ?? null,
          });
        }
      },
    );
  });
}
