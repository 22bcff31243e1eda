/**
 * The order in which the dispatcher hands users to workers (spec §6.2): ids sorted, then
 * interleaved by host (the text before the first `_`), so users spread across machines first:
 * `alpha_1, beta_3, alpha_2, beta_4`.
 */
import { hostOfClientId } from '@locust-ts/protocol';

/** Python's default str ordering (code points); identical to `<` for BMP text. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortWorkers(ids: readonly string[]): string[] {
  const byId = [...ids].sort(compareIds);
  const seenPerHost = new Map<string, number>();
  const indexWithinHost = new Map<string, number>();
  for (const id of byId) {
    const host = hostOfClientId(id);
    const k = seenPerHost.get(host) ?? 0;
    indexWithinHost.set(id, k);
    seenPerHost.set(host, k + 1);
  }
  return byId.sort((a, b) => (indexWithinHost.get(a)! - indexWithinHost.get(b)!) || compareIds(a, b));
}
