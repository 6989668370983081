/**
 * A SetScorer over an evaluation memo and prefix-reusing evaluators: the kept sets already in
 * the memo (evaluated by another strategy, an ablation, model/evaluate, an earlier run) are
 * read; the rest are computed together, in one prefix-sharing walk per split, and stored.
 *
 * The memo is a port: the node layer implements it over the cache's memo (keyed by model
 * identity, kept set, split digest, tokenizer and engine), tests over a Map.
 */
import { computeMetrics, type Metrics } from '../eval/metrics.js';
import { argmaxRows } from '../eval/runner.js';
import type { CurveSplit, SetScorer } from './curve.js';
import type { SplitScore } from './formats.js';
import type { PrefixEvaluator } from './prefix-evaluator.js';

/** What a memo entry must hold for a curve (stored entries may hold more). */
export interface StoredScore {
  accuracy: number;
  macroF1: number;
  numExamples: number;
}

export interface ScoreMemo<T extends StoredScore = StoredScore> {
  /** The stored evaluation of `kept` on `split`, or undefined when none is stored. */
  peek(split: CurveSplit, kept: readonly number[]): Promise<T | undefined>;
  /** Store a computed evaluation; returns what the memo holds (another writer's value may win). */
  store(split: CurveSplit, kept: readonly number[], computed: { metrics: Metrics; predictions: Int32Array }): Promise<T>;
}

export interface MemoScorerOptions {
  engine: string;
  memo: ScoreMemo;
  /** Class names (index = class id). */
  labels: readonly string[];
  /** The split's labels in example order. */
  labelsOf: (split: CurveSplit) => Promise<Int32Array>;
  /** The evaluator of a split, created on the first miss (a fully memoized curve loads nothing). */
  evaluator: (split: CurveSplit) => Promise<PrefixEvaluator<unknown>>;
}

export interface MemoStats {
  hits: number;
  misses: number;
}

export function splitScore(s: StoredScore): SplitScore {
  return { accuracy: s.accuracy, macro_f1: s.macroF1, examples: s.numExamples };
}

export class MemoScorer implements SetScorer {
  readonly stats: MemoStats = { hits: 0, misses: 0 };
  readonly engine: string;

  constructor(private readonly o: MemoScorerOptions) {
    this.engine = o.engine;
  }

  /** Full stored evaluations (for callers that need more than the curve's scores). */
  async evaluations(split: CurveSplit, sets: ReadonlyArray<readonly number[]>): Promise<StoredScore[]> {
    const out: Array<StoredScore | undefined> = [];
    const missing = new Map<string, { kept: readonly number[]; at: number[] }>();
    for (let i = 0; i < sets.length; i++) {
      const kept = sets[i]!;
      const key = kept.join(',');
      const pending = missing.get(key);
      if (pending) {
        pending.at.push(i);
        out.push(undefined);
        continue;
      }
      const hit = await this.o.memo.peek(split, kept);
      if (hit) this.stats.hits++;
      else missing.set(key, { kept, at: [i] });
      out.push(hit);
    }
    if (missing.size > 0) {
      const todo = [...missing.values()];
      this.stats.misses += todo.length;
      const evaluator = await this.o.evaluator(split);
      const logits = await evaluator.logits(todo.map((t) => t.kept));
      const labels = await this.o.labelsOf(split);
      const C = this.o.labels.length;
      for (let j = 0; j < todo.length; j++) {
        const predictions = argmaxRows(logits[j]!, C);
        const metrics = computeMetrics(labels, predictions, this.o.labels);
        const stored = await this.o.memo.store(split, todo[j]!.kept, { metrics, predictions });
        for (const i of todo[j]!.at) out[i] = stored;
      }
    }
    return out as StoredScore[];
  }

  async score(split: CurveSplit, sets: ReadonlyArray<readonly number[]>): Promise<SplitScore[]> {
    return (await this.evaluations(split, sets)).map(splitScore);
  }
}
