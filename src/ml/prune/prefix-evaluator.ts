/**
 * Logits of many kept-layer sets over one split, reusing the hidden states of shared prefixes.
 *
 * Kept sets are ascending layer lists, and a forward applies them in that order, so two sets
 * that start with the same layers share those layers' outputs. Per batch, the requested sets
 * form a trie over their layer lists; a depth-first walk applies each trie edge (one layer to
 * one batch) once and the head at every node where a set ends. For a top-down curve
 * ([0..L-1], [0..L-2], ..., [0]) that is one forward of L layers plus L heads, instead of
 * L(L+1)/2 layer forwards.
 *
 * States also stay in a byte-bounded LRU (PrefixCache) keyed by (batch, prefix) across calls, so
 * step-by-step strategies (greedy, iterative: the sets of step t+1 are not known at step t)
 * reuse what earlier steps computed. Results never depend on the budget: a state the cache
 * refuses is used for its subtree and released.
 *
 * Works with any LayerEngine; an engine's whole-model `logits` is used only with `reuse: false`
 * (the plain reference evaluation, every set from scratch).
 */
import type { IndexedBatch } from '../data/batches.js';
import { engineLogits } from '../engine/logits.js';
import type { LayerEngine } from '../engine/types.js';
import { NonFiniteLogitsError } from '../eval/runner.js';
import { PrefixCache } from './prefix-cache.js';

export interface SplitBatches {
  /** The split's batches (any order; each carries its example indices). */
  batches: readonly IndexedBatch[];
  numExamples: number;
  numLabels: number;
}

export interface PrefixEvaluatorOptions {
  /** Bytes of hidden states kept across calls (default 256 MiB); 0 keeps none. */
  budgetBytes?: number;
  /** Reuse shared prefixes (default true); false evaluates every set from scratch. */
  reuse?: boolean;
  signal?: AbortSignal;
  /** After each batch of a call: batches done and total. */
  onProgress?: (done: number, total: number) => void;
}

/** What a PrefixEvaluator computed, in layer applications to one batch. */
export interface EvaluatorCounters {
  /** Kept sets requested (after removing duplicates within a call). */
  sets: number;
  /** Encoder layers applied (per batch). */
  layerForwards: number;
  /** What evaluating every requested set from scratch would apply: sum of |kept| per batch. */
  naiveLayerForwards: number;
  embeds: number;
  heads: number;
  /** Prefix states found in the cache from an earlier call. */
  prefixHits: number;
}

export const DEFAULT_PREFIX_BUDGET = 256 * 2 ** 20;

interface TrieNode {
  children: Map<number, TrieNode>;
  /** Indices (into the call's unique sets) of sets that end here. */
  ends: number[];
}

const keyOf = (b: number, prefix: readonly number[]): string => `${b}|${prefix.join(',')}`;

export class PrefixEvaluator<H> {
  readonly counters: EvaluatorCounters = { sets: 0, layerForwards: 0, naiveLayerForwards: 0, embeds: 0, heads: 0, prefixHits: 0 };
  private readonly cache: PrefixCache<H>;
  private readonly reuse: boolean;

  constructor(
    private readonly engine: LayerEngine<H>,
    private readonly split: SplitBatches,
    private readonly opts: PrefixEvaluatorOptions = {},
  ) {
    this.reuse = opts.reuse ?? true;
    this.cache = new PrefixCache<H>(this.reuse ? (opts.budgetBytes ?? DEFAULT_PREFIX_BUDGET) : 0, (h) => engine.release(h));
  }

  /** Hidden-state bytes held for reuse across calls. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  private check(sets: ReadonlyArray<readonly number[]>): void {
    const held = new Set(this.engine.layers);
    sets.forEach((s, i) => {
      for (let j = 0; j < s.length; j++) {
        const l = s[j]!;
        if (!held.has(l)) throw new Error(`kept set ${i} [${s.join(', ')}]: layer ${l} is not in the model (held: [${this.engine.layers.join(', ')}])`);
        if (j > 0 && l <= s[j - 1]!) throw new Error(`kept set ${i} [${s.join(', ')}] must be ascending and distinct`);
      }
    });
  }

  /** Logits [numExamples, numLabels] (example order) of each kept set, in the order given. */
  async logits(sets: ReadonlyArray<readonly number[]>): Promise<Float32Array[]> {
    this.check(sets);
    const unique: number[][] = [];
    const slot = new Map<string, number>();
    const which = sets.map((s) => {
      const k = s.join(',');
      let i = slot.get(k);
      if (i === undefined) {
        i = unique.length;
        slot.set(k, i);
        unique.push([...s]);
      }
      return i;
    });
    this.counters.sets += unique.length;
    const { numExamples: n, numLabels: C, batches } = this.split;
    const out = unique.map(() => new Float32Array(n * C));
    const root: TrieNode = { children: new Map(), ends: [] };
    unique.forEach((s, i) => {
      let node = root;
      for (const l of s) {
        let next = node.children.get(l);
        if (!next) {
          next = { children: new Map(), ends: [] };
          node.children.set(l, next);
        }
        node = next;
      }
      node.ends.push(i);
    });
    let done = 0;
    for (let b = 0; b < batches.length; b++) {
      this.opts.signal?.throwIfAborted();
      const batch = batches[b]!;
      const write = (i: number, logits: Float32Array): void => this.place(out[i]!, logits, batch, unique[i]!);
      this.counters.naiveLayerForwards += unique.reduce((a, s) => a + s.length, 0);
      if (this.reuse) await this.walk(b, batch, root, write);
      else for (let i = 0; i < unique.length; i++) write(i, await this.fromScratch(batch, unique[i]!));
      this.opts.onProgress?.(++done, batches.length);
    }
    return which.map((i) => out[i]!);
  }

  private place(dst: Float32Array, logits: Float32Array, batch: IndexedBatch, kept: readonly number[]): void {
    const C = this.split.numLabels;
    if (logits.length !== batch.batchSize * C) throw new Error(`engine ${this.engine.name}: logits for a batch of ${batch.batchSize} have ${logits.length} values, want ${batch.batchSize * C}`);
    const bad = logits.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      const ex = batch.indices[Math.floor(bad / C)] as number;
      throw new NonFiniteLogitsError(`kept layers [${kept.join(', ')}]: the logits are ${logits[bad]} for example ${ex} of the split (NaN or infinity in the weights or activations)`);
    }
    batch.indices.forEach((ex, row) => dst.set(logits.subarray(row * C, (row + 1) * C), ex * C));
  }

  /** One kept set alone: the engine's whole-model call when it has one, else stage by stage. */
  private fromScratch(batch: IndexedBatch, kept: readonly number[]): Promise<Float32Array> {
    this.counters.embeds++;
    this.counters.layerForwards += kept.length;
    this.counters.heads++;
    return Promise.resolve(engineLogits(this.engine, kept)(batch));
  }

  /**
   * The state of `prefix` on batch b: from the cache (pinned), or computed by `make` and offered
   * to it. `done` releases or unpins it.
   */
  private async state(b: number, prefix: readonly number[], make: () => Promise<H>): Promise<{ h: H; done: () => void }> {
    const key = keyOf(b, prefix);
    const hit = this.reuse ? this.cache.take(key) : undefined;
    if (hit !== undefined) {
      this.counters.prefixHits++;
      return { h: hit, done: () => this.cache.unpin(key) };
    }
    const h = await make();
    if (this.reuse && this.cache.put(key, h, this.engine.sizeOf(h))) return { h, done: () => this.cache.unpin(key) };
    return { h, done: () => this.engine.release(h) };
  }

  private async walk(b: number, batch: IndexedBatch, root: TrieNode, write: (i: number, logits: Float32Array) => void): Promise<void> {
    const emb = await this.state(b, [], () => {
      this.counters.embeds++;
      return this.engine.embed(batch);
    });
    try {
      await this.visit(b, batch, root, [], emb.h, write);
    } finally {
      emb.done();
    }
  }

  private async visit(b: number, batch: IndexedBatch, node: TrieNode, prefix: number[], h: H, write: (i: number, logits: Float32Array) => void): Promise<void> {
    if (node.ends.length > 0) {
      this.counters.heads++;
      const logits = await this.engine.head(h, batch);
      for (const i of node.ends) write(i, logits);
    }
    for (const [l, child] of node.children) {
      const next = [...prefix, l];
      const s = await this.state(b, next, () => {
        this.counters.layerForwards++;
        return this.engine.layer(l, h, batch);
      });
      try {
        await this.visit(b, batch, child, next, s.h, write);
      } finally {
        s.done();
      }
    }
  }

  /** Release every cached state (the engine stays the caller's). */
  dispose(): void {
    this.cache.clear();
  }
}
