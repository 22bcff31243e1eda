/** Where the master's user classes come from, in order of preference (see {@link resolveUserClasses}). */
import type { UserClassDescription } from '@locust-ts/protocol';
import { applyClassWeights, classesFromNames, parseUserClassesJson } from './explicit.js';
import { UserClassLoadError, loadPythonUserClasses } from './python-loader.js';

export interface UserClassSources {
  /** Already loaded (the CLI loads a TypeScript locustfile with the worker package's loader). */
  userClasses?: UserClassDescription[];
  /** `--user-classes-json`: JSON text or `@file`. */
  userClassesJson?: string;
  /** The locustfile: a `.py` file is introspected with python3. */
  locustfile?: string;
  /** Locust's positional user class names: select among the classes, or define them (weight 1). */
  userClassNames?: string[];
  /** `--class-weights Name=3,Other=fixed:2` */
  classWeights?: string;
  /** the Python interpreter used to read a `.py` locustfile */
  python?: string;
}

/**
 * 1. `userClasses`; 2. `userClassesJson`; 3. a `.py` locustfile read by python3; 4. bare
 * `userClassNames`. Names then narrow the set (Locust: "Unknown User(s): …" for a name not
 * found), and `classWeights` adjusts weights and fixed counts.
 */
export async function resolveUserClasses(src: UserClassSources): Promise<UserClassDescription[]> {
  const names = src.userClassNames?.filter(Boolean) ?? [];
  let classes: UserClassDescription[] | undefined = src.userClasses?.length ? src.userClasses : undefined;
  if (!classes && src.userClassesJson) classes = parseUserClassesJson(src.userClassesJson);
  if (!classes && src.locustfile?.endsWith('.py')) {
    try {
      classes = await loadPythonUserClasses(src.locustfile, src.python);
    } catch (err) {
      if (!names.length) {
        throw new UserClassLoadError(
          `${(err as Error).message}. Give the classes explicitly: --user-classes-json '[{"name":"MyUser","weight":1}]' or class names.`,
        );
      }
    }
  }
  if (!classes) {
    if (!names.length) {
      throw new UserClassLoadError('No user classes: give a locustfile, --user-classes-json, or user class names');
    }
    classes = classesFromNames(names);
  } else if (names.length) {
    const missing = names.filter((n) => !classes!.some((c) => c.name === n));
    if (missing.length) throw new UserClassLoadError(`Unknown User(s): ${missing.join(', ')}`);
    classes = classes.filter((c) => names.includes(c.name));
  }
  if (src.classWeights) classes = applyClassWeights(classes, src.classWeights);
  return classes;
}
