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

/** Runs inside python3: argv[1] = locustfile path. Prints MARKER + JSON as its last line. */
const INTROSPECT_SCRIPT = `
import sys, os, json, inspect, importlib.util, traceback
MARK = ${JSON.stringify(MARKER)}
def done(obj):
    print(MARK + json.dumps(obj)); sys.stdout.flush(); os._exit(0)
path = os.path.abspath(sys.argv[1])
sys.path.insert(0, os.path.dirname(path))
try:
    from locust import User
except Exception as e:
    done({"error": "cannot import locust (%s): is Locust installed for this python?" % e})
try:
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
except Exception as e:
    done({"error": "importing %s failed: %s" % (path, traceback.format_exception_only(type(e), e)[-1].strip())})
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
done({"classes": classes})
`;

export { UserClassLoadError };

/** Import a Python locustfile with `python` and describe its User classes. */
export function loadPythonUserClasses(locustfile: string, python = DEFAULT_PYTHON): Promise<UserClassDescription[]> {
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
        const result = JSON.parse(line.slice(MARKER.length)) as { error?: string; classes?: UserClassDescription[] };
        if (result.error) reject(new UserClassLoadError(result.error));
        else if (!result.classes?.length) reject(new UserClassLoadError(`No User class found in ${locustfile}`));
        else resolve(result.classes);
      },
    );
  });
}
