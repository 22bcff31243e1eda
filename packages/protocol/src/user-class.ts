/**
 * What the master needs to know about a user class to dispatch it (spec §6): shared by the
 * locustfile loader (worker side) and the dispatcher (master side), so neither imports the other.
 */
export interface UserClassDescription {
  name: string;
  /** Relative weight; ignored when `fixedCount` > 0. */
  weight: number;
  /** Exact number of users of this class, served before weighted classes (0 = weighted). */
  fixedCount: number;
  /** Task names with their weights, for `/tasks` (optional: Python locustfiles may not tell). */
  tasks?: Record<string, number>;
}
