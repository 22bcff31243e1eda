/** Exceptions from worker users, one row per traceback text (spec §3.8). */
import type { ExceptionView } from './runner-view.js';

export class ExceptionTable {
  private rows = new Map<string, { count: number; msg: string; traceback: string; nodes: Set<string> }>();

  log(nodeId: string, msg: string, traceback: string): void {
    let row = this.rows.get(traceback);
    if (!row) {
      row = { count: 0, msg, traceback, nodes: new Set() };
      this.rows.set(traceback, row);
    }
    row.count++;
    row.nodes.add(nodeId);
  }

  clear(): void {
    this.rows = new Map();
  }

  get size(): number {
    return this.rows.size;
  }

  list(): ExceptionView[] {
    return [...this.rows.values()].map((r) => ({ count: r.count, msg: r.msg, traceback: r.traceback, nodes: [...r.nodes] }));
  }
}
