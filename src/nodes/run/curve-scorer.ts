/**
 * The prune nodes' SetScorer: kept-layer sets of one model scored on one dataset through the
 * evaluation memo of eval-memo.ts (the same keys and values as model/evaluate and
 * prune/ablation, so each strategy, ablation and evaluation reaching a kept set shares one
 * entry, across nodes and runs), with the misses computed together by a PrefixEvaluator per
 * split (shared prefixes of kept layers run once; states kept across calls under a byte budget,
 * half per split).
 *
 * The memo has get-or-compute only; reading whether an entry exists without computing it is a
 * get-or-compute whose compute refuses (MemoMiss). Two processes that miss the same set at once
 * both compute it and the first stored value wins: identical metrics, some duplicated work.
 */
import type { NodeContext } from '../../artifacts/node-context.js';
import type { ModelManifest } from '../../ml/bert/manifest.js';
import { makeBatches, type DatasetManifest } from '../../ml/data/index.js';
import type { EngineKind } from '../../ml/engine/index.js';
import { MemoScorer, PrefixEvaluator, type CurveSplit, type EvaluatorCounters, type ScoreMemo, type StoredScore } from '../../ml/prune/index.js';
import { engineFor } from './engines.js';
import { effectiveModel, encoded, EVALUATION_FORMAT, evaluationKey, prepare, setting, type Evaluation } from './eval-memo.js';

class MemoMiss extends Error {}

/** The stored value under `key`, or undefined when nothing is stored (nothing is computed). */
async function peekMemo<T>(ctx: NodeContext, key: unknown): Promise<T | undefined> {
  try {
    return await ctx.memo<T>(key, () => Promise.reject(new MemoMiss()));
  } catch (e) {
    if (e instanceof MemoMiss) return undefined;
    throw e;
  }
}

export interface CurveScorerOptions {
  engine: EngineKind;
  /** Examples per batch (does not change results). */
  batchSize: number;
  /** Bytes of hidden states kept for reuse across calls, both splits together. */
  budgetBytes: number;
}

export interface CurveScoring {
  scorer: MemoScorer;
  /** The engine's running name (`tfjs-wasm`, ...). */
  engine: string;
  /** What the evaluators computed so far, summed over splits. */
  counters(): EvaluatorCounters;
  /** One line for the log: memo hits and misses, layer forwards against evaluating from scratch. */
  summary(): string;
  dispose(): void;
}

export async function curveScoring(ctx: NodeContext, model: ModelManifest, dataset: DatasetManifest, o: CurveScorerOptions): Promise<CurveScoring> {
  const full = effectiveModel(model);
  const set = await setting(ctx, full, dataset, 'validation', o.engine);
  const keyOf = (split: CurveSplit, kept: readonly number[]): Record<string, unknown> => evaluationKey(effectiveModel(model, kept), dataset, split, set.engine, set.maxLength);
  const memo: ScoreMemo = {
    peek: (split, kept) => peekMemo<StoredScore>(ctx, keyOf(split, kept)),
    store: (split, kept, { metrics, predictions }) =>
      ctx.memo<Evaluation>(keyOf(split, kept), () => {
        ctx.log(`${split} [${kept.join(',')}]: accuracy ${metrics.accuracy.toFixed(4)}, macro-F1 ${metrics.macroF1.toFixed(4)} (${metrics.numExamples} examples, ${set.engine})`);
        const value: Evaluation = {
          format: EVALUATION_FORMAT,
          split,
          layers: [...kept],
          backend: set.engine,
          labels: dataset.labels,
          ...metrics,
          predictions: Array.from(predictions),
        };
        return Promise.resolve(value);
      }),
  };
  const evaluators = new Map<CurveSplit, { ev: PrefixEvaluator<unknown>; labels: Int32Array }>();
  const open = async (split: CurveSplit): Promise<{ ev: PrefixEvaluator<unknown>; labels: Int32Array }> => {
    const have = evaluators.get(split);
    if (have) return have;
    const prep = await prepare(ctx, set, dataset, split);
    const enc = encoded(prep, dataset, split);
    const engine = await engineFor(ctx, full, set.resolved);
    const batches = makeBatches(enc, o.batchSize, { sortByLength: true, padTokenId: prep.loaded.specialIds.pad });
    const ev = new PrefixEvaluator(
      engine,
      { batches, numExamples: enc.ids.length, numLabels: dataset.labels.length },
      {
        budgetBytes: o.budgetBytes / 2,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ done, total, message: `${split} batches` }),
      },
    );
    const made = { ev, labels: enc.labels };
    evaluators.set(split, made);
    return made;
  };
  const scorer = new MemoScorer({
    engine: set.engine,
    memo,
    labels: dataset.labels,
    labelsOf: async (split) => (await open(split)).labels,
    evaluator: async (split) => (await open(split)).ev,
  });
  const counters = (): EvaluatorCounters => {
    const sum: EvaluatorCounters = { sets: 0, layerForwards: 0, naiveLayerForwards: 0, embeds: 0, heads: 0, prefixHits: 0 };
    for (const { ev } of evaluators.values()) for (const k of Object.keys(sum) as Array<keyof EvaluatorCounters>) sum[k] += ev.counters[k];
    return sum;
  };
  return {
    scorer,
    engine: set.engine,
    counters,
    summary: () => {
      const c = counters();
      const share = c.naiveLayerForwards > 0 ? ` (${((100 * c.layerForwards) / c.naiveLayerForwards).toFixed(0)}% of ${c.naiveLayerForwards} from scratch)` : '';
      return `evaluations: ${scorer.stats.hits} from the memo, ${scorer.stats.misses} computed; ${c.layerForwards} layer forwards of a batch${share}`;
    },
    dispose: () => {
      for (const { ev } of evaluators.values()) ev.dispose();
      evaluators.clear();
    },
  };
}
