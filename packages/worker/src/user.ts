/**
 * The classes a locustfile extends: `User` (any kind of load) and `HttpUser` (with `client`).
 * Class-wide settings are static, as Locust's class attributes: `weight`, `fixedCount`,
 * `abstract`, and optionally `host`, `waitTime`, `tasks`. `host` and `waitTime` may also be
 * instance fields (`waitTime = between(1, 2)`), which reads closest to a Python locustfile;
 * they are not declared here so that a subclass needs no `override` for them.
 */
import type { Environment } from '@locust-ts/protocol';
import type { HttpContext } from './http/session.js';
import { HttpSession } from './http/session.js';
import type { Logger } from './logger.js';
import { type TaskRef, type TaskSpec, scheduleOn } from './task.js';
import type { WaitTime } from './wait-time.js';

/**
 * `this.environment` of a user: Locust's Environment (runner, parsedOptions, host, events,
 * stats, processExitCode) plus what the worker's HTTP client needs.
 */
export interface UserEnvironment extends Environment {
  readonly http: HttpContext;
  readonly logger: Logger;
}

/** The runtime record of a running user, set on the instance so `stop()` can reach it. */
export const RUNNING_USER = Symbol.for('locust-ts.runningUser');

/**
 * Base of every user class. Settings are read from the subclass (none are declared here, so a
 * subclass needs no `override`): `static weight` (relative share, default 1), `static
 * fixedCount` (exact number of users when > 0), `static abstract = true` (a base, not run),
 * `static tasks`, and `host` / `waitTime` as static or instance fields.
 */
export class User {
  constructor(readonly environment: UserEnvironment) {}

  /** Called once when the user starts, before its first task. */
  onStart(): unknown {
    return undefined;
  }

  /** Called once when the user is stopped. */
  onStop(): unknown {
    return undefined;
  }

  /** Stop this user after the task in progress (Locust's `User.stop()`); `onStop` still runs. */
  stop(): void {
    (this as unknown as Record<symbol, { stop(): void } | undefined>)[RUNNING_USER]?.stop();
  }

  /**
   * Sleep this user's wait time now (Locust's `User.wait()`, e.g. in `onStart`); throws StopUser
   * if the user is stopped meanwhile.
   */
  wait(): Promise<void> {
    const running = (this as unknown as Record<symbol, { waitAsOwner(owner: object): Promise<void> } | undefined>)[RUNNING_USER];
    return running ? running.waitAsOwner(this) : Promise.resolve();
  }

  /** Extra data for every request's `context` in `events.request` (Locust's `User.context()`). */
  context(): Record<string, unknown> {
    return {};
  }

  /** Run `task` next (`first`) or after the tasks already queued (Locust's `schedule_task`). */
  scheduleTask(task: TaskRef, first = false): void {
    scheduleOn(this, task, first);
  }
}

export class HttpUser extends User {
  /** This user's HTTP client; keep-alive connections are shared per host within the worker. */
  readonly client: HttpSession;

  constructor(environment: UserEnvironment) {
    super(environment);
    this.client = new HttpSession(environment.http);
    this.client.user = this;
  }
}

/** A class deriving from {@link User}, concrete or not, with its optional static settings. */
export type UserClass = (new (environment: UserEnvironment) => User) & {
  readonly name: string;
  abstract?: boolean;
  weight?: number;
  fixedCount?: number;
  host?: string;
  waitTime?: WaitTime;
  tasks?: TaskSpec;
};

/** The library's own bases are abstract without saying so. */
const BASE_CLASSES: ReadonlySet<unknown> = new Set<unknown>([User, HttpUser]);

/** FastHttpUser (its own file) registers itself as a library base too. */
export function registerBaseClass(cls: unknown): void {
  (BASE_CLASSES as Set<unknown>).add(cls);
}

export function isUserClass(value: unknown): value is UserClass {
  return typeof value === 'function' && (value === User || value.prototype instanceof User);
}

/** Concrete = not a library base and no own `abstract = true` (Locust reads only the class's own dict). */
export function isConcreteUserClass(value: unknown): value is UserClass {
  if (!isUserClass(value) || BASE_CLASSES.has(value)) return false;
  return !(Object.prototype.hasOwnProperty.call(value, 'abstract') && value.abstract === true);
}

/** `static weight`, default 1. */
export function weightOf(cls: UserClass): number {
  return cls.weight ?? 1;
}

/** `static fixedCount`, default 0 (weighted). */
export function fixedCountOf(cls: UserClass): number {
  return cls.fixedCount ?? 0;
}

/** Instance-level settings a locustfile may define as fields. */
export interface UserInstanceSettings {
  host?: string;
  waitTime?: WaitTime;
}

/** The wait time of a user or task set: its own field, else its class's static. */
export function waitTimeOf(owner: object): WaitTime | undefined {
  return (owner as UserInstanceSettings).waitTime ?? (owner.constructor as { waitTime?: WaitTime }).waitTime;
}
