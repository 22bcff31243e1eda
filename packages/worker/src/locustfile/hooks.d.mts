/** hooks.mjs: Node module hooks for locustfiles (see there). */
export interface HooksData {
  apiSpecifiers: readonly string[];
  /** the ES module that re-exports the API from its global */
  apiSource: string;
  /** file: URL of the CommonJS shim, for require() */
  apiRequireUrl: string;
}
export function initialize(data: HooksData): void;
export function resolveSync(specifier: string, context: unknown, nextResolve: unknown): unknown;
export function loadSync(url: string, context: unknown, nextLoad: unknown): unknown;
