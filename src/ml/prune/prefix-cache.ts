/**
 * Hidden states of kept-layer prefixes, kept for reuse under a byte budget with least-recently-
 * used eviction. Entries in use are pinned: eviction skips them, so a walk never loses a state
 * it still needs. An entry that cannot fit (the budget is full of pinned states, or it is
 * larger than the whole budget) is refused and stays the caller's to release.
 *
 * Written by hand (40 lines) rather than taken from an LRU package: entries are engine handles
 * that must be released through the engine on eviction, pinned while in use, and sized by the
 * engine; a Map in insertion order is the whole LRU.
 */

interface Entry<H> {
  h: H;
  bytes: number;
  pins: number;
}

export class PrefixCache<H> {
  private readonly entries = new Map<string, Entry<H>>();
  private used = 0;
  /** Entries evicted so far (for logs). */
  evictions = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly release: (h: H) => void,
  ) {
    if (!(budgetBytes >= 0)) throw new Error(`prefix cache budget must be >= 0 bytes, got ${budgetBytes}`);
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The state under `key`, pinned (call `unpin`), and marked most recently used. */
  take(key: string): H | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    e.pins++;
    return e.h;
  }

  /**
   * Offer a state: true when the cache took it (pinned once; call `unpin`), false when it does
   * not fit (the caller keeps ownership). The key must not be present.
   */
  put(key: string, h: H, bytes: number): boolean {
    if (this.entries.has(key)) throw new Error(`prefix cache: ${key} is already cached`);
    if (bytes > this.budgetBytes) return false;
    for (const [k, e] of this.entries) {
      if (this.used + bytes <= this.budgetBytes) break;
      if (e.pins > 0) continue;
      this.entries.delete(k);
      this.used -= e.bytes;
      this.evictions++;
      this.release(e.h);
    }
    if (this.used + bytes > this.budgetBytes) return false;
    this.entries.set(key, { h, bytes, pins: 1 });
    this.used += bytes;
    return true;
  }

  unpin(key: string): void {
    const e = this.entries.get(key);
    if (!e || e.pins === 0) throw new Error(`prefix cache: ${key} is not pinned`);
    e.pins--;
  }

  /** Release every state (pinned ones too: call when no walk is running). */
  clear(): void {
    for (const e of this.entries.values()) this.release(e.h);
    this.entries.clear();
    this.used = 0;
  }
}
