/**
 * The open-model executor of a locust-ts worker (arrival rate, contract K3): iterations start at
 * a fixed rate whatever the target's latency, each on an idle user of a pool that grows up to
 * `max_users`; an iteration that finds no idle user and a full pool is dropped and counted
 * (k6's `constant-arrival-rate` and `dropped_iterations`).
 *
 * Timing: iteration k is due at `base + k / rate`, computed from the rate and never from the
 * previous timer, so setTimeout's lateness does not accumulate into a lower rate. Each timer
 * firing starts every iteration that is due by then (several per firing at high rates, or after
 * the event loop was blocked) and sets the next timer for the next due instant.
 *
 * Latency from the intended start (no coordinated omission, as wrk2): an iteration started
 * `d` ms after it was due adds `d` to the response time of its first request. See ArrivalUser.
 */
import type { UserClassesCount } from '@locust-ts/protocol';
import type { UserEnvironment } from '../user.js';
import { weightOf } from '../user.js';
import { ArrivalUser, type ArrivalUserHost } from './arrival-user.js';
import type { UserClassInfo } from './user-class-info.js';

/** A firing starts at most this many iterations; the rest of a longer backlog is dropped, so one stall cannot freeze the worker. */
const MAX_ITERATIONS_PER_FIRING = 100_000;
/** How long stopping waits for retired users' `onStop` (as UserPool's STOP_WAIT_MS). */
const STOP_WAIT_MS = 1000;

/** This worker's share of the swarm's arrival rate. */
export interface ArrivalTarget {
  /** iterations per second (0 = none) */
  rate: number;
  /** the most users the pool may hold */
  maxUsers: number;
  /** the pool's split over classes (each class's cap and share of the iterations); absent: by weight, one shared cap */
  userClassesCount?: UserClassesCount;
}

/** A class in the pick order: smooth weighted round robin (nginx), so the mix is even at any moment. */
interface ClassSlot {
  info: UserClassInfo;
  weight: number;
  /** the most users of this class (Infinity: only the pool's cap applies) */
  cap: number;
  current: number;
  users: ArrivalUser[];
  idle: ArrivalUser[];
}

export class ArrivalExecutor {
  private rate = 0;
  private intervalMs = Infinity;
  private maxUsers = 0;
  private slots: ClassSlot[] = [];
  private totalWeight = 0;
  /** performance.now() ms at which iteration `index` 0 is due */
  private base = 0;
  private index = 0;
  private timer: NodeJS.Timeout | null = null;
  private droppedSinceReport = 0;
  private droppedTotal = 0;
  private iterationsStarted = 0;

  constructor(
    private readonly classes: ReadonlyMap<string, UserClassInfo>,
    private readonly environment: UserEnvironment,
    private readonly host: ArrivalUserHost,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Iterations are being started (rate > 0). */
  get active(): boolean {
    return this.rate > 0;
  }

  /** Users in the pool (busy or idle), every class included, as Locust reports counts. */
  counts(): UserClassesCount {
    const out: UserClassesCount = {};
    for (const slot of this.slots) out[slot.info.name] = slot.users.length;
    return out;
  }

  get userCount(): number {
    let n = 0;
    for (const slot of this.slots) n += slot.users.length;
    return n;
  }

  /** Dropped iterations since the last call (the `locust_ts_dropped` of a stats report). */
  takeDropped(): number {
    const n = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    return n;
  }

  get totals(): { started: number; dropped: number } {
    return { started: this.iterationsStarted, dropped: this.droppedTotal };
  }

  /**
   * Apply a (new) share. A rate change takes effect from the next iteration: it is due one new
   * interval after the last due one (not before now), so changing the rate often costs nothing
   * and never bunches iterations. Classes unknown here are returned (ignored).
   */
  apply(target: ArrivalTarget): string[] {
    const unknown = this.setClasses(target.userClassesCount);
    this.maxUsers = Math.max(0, Math.floor(target.maxUsers));
    const rate = target.rate > 0 && Number.isFinite(target.rate) ? target.rate : 0;
    const now = this.now();
    const lastDue = this.rate > 0 ? this.base + (this.index - 1) * this.intervalMs : -Infinity;
    this.rate = rate;
    this.intervalMs = rate > 0 ? 1000 / rate : Infinity;
    this.clearTimer();
    if (rate > 0) {
      this.base = Math.max(now, lastDue + this.intervalMs);
      this.index = 0;
      this.schedule();
    }
    return unknown;
  }

  /** Stop starting iterations and retire every user (requests in flight aborted, `onStop` run). */
  async stop(): Promise<void> {
    this.rate = 0;
    this.intervalMs = Infinity;
    this.clearTimer();
    const stopping: Promise<void>[] = [];
    for (const slot of this.slots) {
      for (const user of slot.users) stopping.push(user.stop());
      slot.users.length = 0;
      slot.idle.length = 0;
    }
    if (stopping.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)));
    await Promise.race([Promise.all(stopping), limit]);
    clearTimeout(timer);
  }

  /** A new test: forget the counters (the users were stopped with the previous test). */
  resetCounters(): void {
    this.droppedSinceReport = 0;
    this.droppedTotal = 0;
    this.iterationsStarted = 0;
  }

  // ---------------------------------------------------------------- scheduling

  private schedule(): void {
    const due = this.base + this.index * this.intervalMs;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - this.now()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.timer = null;
    if (this.rate <= 0) return;
    const now = this.now();
    let started = 0;
    for (let due = this.base + this.index * this.intervalMs; due <= now; due = this.base + this.index * this.intervalMs) {
      this.index++;
      if (started++ >= MAX_ITERATIONS_PER_FIRING) this.drop();
      else this.startIteration(now - due);
    }
    this.schedule();
  }

  private startIteration(delayMs: number): void {
    const slot = this.pickSlot();
    if (!slot) return this.drop();
    let user = slot.idle.pop();
    if (!user) {
      if (this.userCount >= this.maxUsers || slot.users.length >= slot.cap) return this.drop();
      user = new ArrivalUser(slot.info, this.environment, this.host);
      slot.users.push(user);
    }
    this.iterationsStarted++;
    void user.iterate(delayMs).then(() => this.finished(slot, user));
  }

  private finished(slot: ClassSlot, user: ArrivalUser): void {
    if (!slot.users.includes(user)) return; // stopped meanwhile
    if (user.retired) {
      // StopUser: this user leaves the pool (onStop runs); a new one may take its place
      slot.users.splice(slot.users.indexOf(user), 1);
      void user.stop();
      return;
    }
    slot.idle.push(user);
  }

  private drop(): void {
    this.droppedSinceReport++;
    this.droppedTotal++;
  }

  // ---------------------------------------------------------------- classes

  /** Smooth weighted round robin over classes with weight > 0; null when there is none. */
  private pickSlot(): ClassSlot | null {
    let best: ClassSlot | null = null;
    for (const slot of this.slots) {
      if (slot.weight <= 0) continue;
      slot.current += slot.weight;
      if (!best || slot.current > best.current) best = slot;
    }
    if (best) best.current -= this.totalWeight;
    return best;
  }

  /** Rebuild the class slots from a class split (kept users stay, beyond a lower cap they retire when idle). */
  private setClasses(counts: UserClassesCount | undefined): string[] {
    const unknown = counts ? Object.keys(counts).filter((name) => !this.classes.has(name)) : [];
    const old = new Map(this.slots.map((s) => [s.info.name, s]));
    const slots: ClassSlot[] = [];
    for (const [name, info] of this.classes) {
      const kept = old.get(name);
      const weight = counts ? (counts[name] ?? 0) : weightOf(info.cls);
      const cap = counts ? weight : Infinity;
      // the same slot object stays: iterations in flight hold it
      const slot: ClassSlot = kept ?? { info, weight, cap, current: 0, users: [], idle: [] };
      slot.weight = weight;
      slot.cap = cap;
      while (slot.users.length > slot.cap && slot.idle.length > 0) {
        const user = slot.idle.pop()!;
        slot.users.splice(slot.users.indexOf(user), 1);
        void user.stop();
      }
      slots.push(slot);
    }
    this.slots = slots;
    this.totalWeight = slots.reduce((n, s) => n + Math.max(0, s.weight), 0);
    return unknown;
  }
}
