/**
 * User classes named by hand when the master cannot read the locustfile (no Python, a remote
 * locustfile): positional class names, Locust style (`locust-ts --master WebsiteUser ApiUser`),
 * weight 1 each.
 */
import type { UserClassDescription } from '@locust-ts/protocol';

/** Classes from bare names: weight 1 each, no fixed count. */
export function classesFromNames(names: string[]): UserClassDescription[] {
  return names.map((name) => ({ name, weight: 1, fixedCount: 0 }));
}
