/** Where the master's user classes come from, in order of preference (see {@link resolveUserClasses}). */
import type { UserClassDescription } from '@locust-ts/protocol';
import { classesFromNames } from './explicit.js';
import { UserClassLoadError, loadPythonUserClasses } from './python-loader.js';

export interface UserClassSources {
  /** Already loaded (the CLI loads a TypeScript locustfile with the worker package's loader). */
  userClasses?: UserClassDescription[];
  /** The locustfile: a `.py` file is introspected with python3. */
  locustfile?: string;
  /** Locust's positional user class names: select among the classes, or define them (weight 1). */
  userClassNames?: string[];
  /** the Python interpreter used to read a `.py` locustfile */
  python?: string;
}

/**
 * 1. `userClasses`; 2. a `.py` locustfile read by python3; 3. bare `userClassNames` (weight 1
 * each). Names then narrow the set (Locust: "Unknown User(s): …" for a name not found).
 */
export async function resolveUserClasses(src: UserClassSources): Promise<UserClassDescription[]> {
  const names = src.userClassNames?.filter(Boolean) ?? [];
  let classes: UserClassDescription[] | undefined = src.userClasses?.length ? src.userClasses : undefined;
  if (!classes && src.locustfile?.endsWith('.py')) {
    try {
      classes = await loadPythonUserClasses(src.locustfile, src.python);
    } catch (err) {
      if (!names.length) {
        throw new UserClassLoadError(
          `${(err as Error).message}. Name the classes instead (weight 1 each): locust-ts --master -f FILE MyUser OtherUser`,
        );
      }
    }
  }
  if (!classes) {
    if (!names.length) {
      throw new UserClassLoadError('No user classes: give a locustfile, or user class names');
    }
    classes = classesFromNames(names);
  } else if (names.length) {
    const missing = names.filter((n) => !classes!.some((c) => c.name === n));
    if (missing.length) throw new UserClassLoadError(`Unknown User(s): ${missing.join(', ')}`);
    classes = classes.filter((c) => names.includes(c.name));
  }
  return classes;
}
