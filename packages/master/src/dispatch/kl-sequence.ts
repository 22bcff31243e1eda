/**
 * The newest Locust's class sequence: a generator driven by Kullback–Leibler divergence
 * (spec §6.3, "KL sequence [HEAD]"). It emits names so that every prefix of the sequence is as
 * close as possible to the weights: A5:B1 gives AABAAAAABAAA…, A1:B2:C3 gives CBACBCCBACBC….
 */

interface KlItem {
  /** how much picking this item once more lowers the divergence (smaller = pick first) */
  key: number;
  /** weight + how often the item was picked */
  x: number;
  weight: number;
  name: string;
}

/** Python tuple order `(key, x, weight, name)`; names compare by code point like Python's str. */
function less(a: KlItem, b: KlItem): boolean {
  if (a.key !== b.key) return a.key < b.key;
  if (a.x !== b.x) return a.x < b.x;
  if (a.weight !== b.weight) return a.weight < b.weight;
  return a.name < b.name;
}

/**
 * Endless sequence of names drawn by weight. Items with weight ≤ 0 are ignored; when none is
 * left the sequence yields `null` forever (Locust: "no user to spawn").
 *
 * A linear scan replaces Python's heap: the smallest tuple is the same element either way, and
 * user-class counts are small.
 */
export function* klSequence(items: Iterable<readonly [name: string, weight: number]>): Generator<string | null, never, undefined> {
  const pool: KlItem[] = [];
  for (const [name, weight] of items) {
    if (weight > 0) pool.push({ key: weight * Math.log2(weight / (weight + 1)), x: weight + 1, weight, name });
  }
  if (pool.length === 0) {
    for (;;) yield null;
  }
  for (;;) {
    let best = pool[0]!;
    for (let i = 1; i < pool.length; i++) if (less(pool[i]!, best)) best = pool[i]!;
    yield best.name;
    best.key = best.weight * Math.log2(best.x / (best.x + 1));
    best.x += 1;
  }
}
