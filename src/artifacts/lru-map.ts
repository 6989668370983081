/**
 * A Map that keeps at most `max` entries, dropping the least recently used: for the small
 * per-process caches a reused worker keeps between nodes (parsed splits, tokenizers, tokenized
 * splits), each keyed by content digests. A JS Map iterates in insertion order, so moving an
 * entry to the end on each hit is all the bookkeeping there is.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
