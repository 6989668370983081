/**
 * A binary max-heap of (score, pair key) for the WordPiece learner: highest score first, equal
 * scores broken by `before(keyA, keyB)` (true when A should come first). Entries may be stale;
 * the learner re-checks the top against the current statistics (lazy invalidation).
 */
export class PairHeap {
  private scores: number[] = [];
  private keys: number[] = [];

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.scores = [];
    this.keys = [];
  }

  private above(i: number, j: number): boolean {
    const si = this.scores[i] as number;
    const sj = this.scores[j] as number;
    return si > sj || (si === sj && this.before(this.keys[i] as number, this.keys[j] as number));
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i] as number;
    this.scores[i] = this.scores[j] as number;
    this.scores[j] = s;
    const k = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = k;
  }

  push(score: number, key: number): void {
    this.scores.push(score);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { score: number; key: number } | undefined {
    const n = this.keys.length;
    if (n === 0) return undefined;
    const top = { score: this.scores[0] as number, key: this.keys[0] as number };
    this.swap(0, n - 1);
    this.scores.pop();
    this.keys.pop();
    let i = 0;
    const m = n - 1;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < m && this.above(l, best)) best = l;
      if (r < m && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}
