/**
 * Evaluations shared across nodes and runs: `evaluateMemo` computes the metrics of a model with
 * a kept-layer set on one split of a dataset once, memoized in the cache (ctx.memo) under
 *   { format, model: digest of the effective model (its manifest restricted to the kept layers,
 *     `layers` field left out), layers: kept set, labels, split: the split blob's digest,
 *     tokenizer: tokenizer.json digest and max length, engine: the engine that runs
 *     (`onnxruntime-cpu`, `tfjs-wasm`, ...: the engines agree to ~1e-6, not bit for bit) }.
 * So a full model evaluated with kept set S and the pruned artifact withLayers(model, S) share
 * one entry, as do prune/ablation and the pruning curves (run/curve-scorer.ts, which reads and
 * writes these same entries) when they reach the same subset.
 * Batch size is deliberately not in the key: padding is masked out exactly (masked attention
 * weights are exactly 0), so batching changes logits only by float summation order (~1e-7),
 * never the metrics short of an exact tie.
 */
import { digestOf } from '../../artifacts/canonical-json.js';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { LruMap } from '../../artifacts/lru-map.js';
import { withLayers, type ModelManifest } from '../../ml/bert/manifest.js';
import { readSplit, type DatasetManifest, type SplitName } from '../../ml/data/index.js';
import { engineLogits, type EngineKind } from '../../ml/engine/index.js';
import type { ResolvedEngine } from '../../ml/engine/select.js';
import { computeMetrics, runSplit, type Metrics, type SplitOutputs } from '../../ml/eval/index.js';
import { asTokenizerManifest, loadTokenizer, type BertTokenizer, type TokenizerManifest } from '../../ml/tokenizer/index.js';
import type { EncodedSplit, Example } from '../../ml/types.js';
import { onRelease, retains } from '../../ml/release-hooks.js';
import { engineFor, releaseEngines, resolveEngineFor } from './engines.js';

export const EVALUATION_FORMAT = 'layerfuse/evaluation@1';

export interface Evaluation extends Metrics {
  format: typeof EVALUATION_FORMAT;
  split: SplitName;
  /** Kept layers evaluated (original 0-based indices, ascending). */
  layers: number[];
  /** The engine that computed it: `onnxruntime-cpu`, `onnxruntime-cuda`, `tfjs-wasm`, ... */
  backend: string;
  /** Class names, index = class id (the dataset's). */
  labels: string[];
  /** Predicted class id per example of the split, in split order. */
  predictions: number[];
}

/** What to evaluate: `model` with its own kept layers, or `layers` (a subset of them, 0-based original indices), on `split` of `dataset`. */
export interface EvalTarget {
  model: ModelManifest;
  dataset: DatasetManifest;
  split: SplitName;
  layers?: readonly number[];
}

export interface EvalOptions {
  /** Examples per forward (default 32); not part of the memo key (see above). */
  batchSize?: number;
  /** The node's `engine` param (default auto: the run's --engine); the running engine's name is part of the key. */
  engine?: EngineKind;
}

function tokenizerOf(model: ModelManifest): TokenizerManifest {
  return asTokenizerManifest(model.tokenizer, "the model's tokenizer");
}

/** The model as evaluated: its manifest restricted to `layers` (default: its own). */
export function effectiveModel(model: ModelManifest, layers?: readonly number[]): ModelManifest {
  return layers ? withLayers(model, [...layers]) : withLayers(model, model.layers);
}

/** Digest of a model's identity apart from which layers are kept. */
export function modelIdentity(effective: ModelManifest): string {
  return digestOf({ ...effective, layers: undefined });
}

export function evaluationKey(effective: ModelManifest, dataset: DatasetManifest, split: SplitName, engine: string, maxLength: number): Record<string, unknown> {
  const tok = tokenizerOf(effective);
  return {
    format: EVALUATION_FORMAT,
    model: modelIdentity(effective),
    layers: effective.layers,
    labels: dataset.labels,
    split: dataset.splits[split].$blob,
    tokenizer: { tokenizerJson: tok.tokenizerJson.$blob, maxLength },
    engine,
  };
}

// Tokenized splits by split, tokenizer and length (all content digests), least recently used first.
const ENCODED_CACHE_SIZE = 8;
const encodedCache = new LruMap<string, EncodedSplit>(ENCODED_CACHE_SIZE);

/**
 * A node is done with evaluations: free the model, engine and tokenized splits kept loaded
 * between them. In a worker that serves further nodes (release-hooks.ts `retains`) they stay
 * for the next node instead, bounded (one model and one engine, ENCODED_CACHE_SIZE splits;
 * every entry keyed by content digests, so a later node never sees another model's state),
 * and are freed when the worker exits.
 */
export function releaseEvalCache(): void {
  if (retains()) onRelease(freeEvalCache);
  else freeEvalCache();
}

/** Free them now, whatever the process does next. */
export function freeEvalCache(): void {
  releaseEngines();
  encodedCache.clear();
}

export interface Setting {
  /** The engine's running name (`onnxruntime-cpu`, `tfjs-wasm`, ...). */
  engine: string;
  resolved: ResolvedEngine;
  tokenizer: TokenizerManifest;
  /** The tokenizer's max length, capped by the model's position embeddings. */
  maxLength: number;
}

export interface Prepared extends Setting {
  loaded: BertTokenizer;
  examples: Example[];
}

/** What the key needs: checks, the engine that runs, the effective max length. */
export async function setting(ctx: NodeContext, model: ModelManifest, dataset: DatasetManifest, split: SplitName, kind?: EngineKind): Promise<Setting> {
  if (!dataset.splits[split]) throw new NodeError(`${ctx.nodeId}: the dataset has no split '${split}'`);
  if (model.labels.length !== dataset.labels.length) {
    throw new NodeError(
      `${ctx.nodeId}: the model has ${model.labels.length} classes (${model.labels.join(', ')}) but the dataset has ${dataset.labels.length} (${dataset.labels.join(', ')})`,
    );
  }
  const resolved = await resolveEngineFor(ctx, kind);
  const tokenizer = tokenizerOf(model);
  return { engine: resolved.name, resolved, tokenizer, maxLength: Math.min(tokenizer.maxLength, model.config.maxPositions) };
}

export async function prepare(ctx: NodeContext, s: Setting, dataset: DatasetManifest, split: SplitName): Promise<Prepared> {
  const loaded = await loadTokenizer(ctx, s.tokenizer, { maxLength: s.maxLength });
  return { ...s, loaded, examples: await readSplit(ctx, dataset, split) };
}

export function encoded(prep: Prepared, dataset: DatasetManifest, split: SplitName): EncodedSplit {
  const key = `${dataset.splits[split].$blob}/${prep.tokenizer.tokenizerJson.$blob}/${prep.maxLength}`;
  const hit = encodedCache.get(key);
  if (hit) return hit;
  const enc: EncodedSplit = { ids: prep.loaded.encode(prep.examples.map((e) => e.text)), labels: Int32Array.from(prep.examples, (e) => e.label) };
  encodedCache.set(key, enc);
  return enc;
}

// The engine is over the whole input model: prune loops evaluate many subsets of one model, and
// an engine serves any subset of the layers it holds.
async function run(ctx: NodeContext, model: ModelManifest, effective: ModelManifest, dataset: DatasetManifest, split: SplitName, prep: Prepared, opts: EvalOptions): Promise<SplitOutputs> {
  const engine = await engineFor(ctx, model, prep.resolved);
  const label = `evaluate ${split} [${effective.layers.join(',')}]`;
  return runSplit(engineLogits(engine, effective.layers), encoded(prep, dataset, split), {
    batchSize: opts.batchSize ?? 32,
    numLabels: dataset.labels.length,
    padTokenId: prep.loaded.specialIds.pad,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress({ done, total, message: label }),
    // Which subset gave NaN logits matters; the node layer adds the node id.
    what: `${label}: `,
  });
}

/** Metrics of an evaluation target, computed once per key (see the top of this file). */
export async function evaluateMemo(ctx: NodeContext, { model, dataset, split, layers }: EvalTarget, opts: EvalOptions = {}): Promise<Evaluation> {
  const effective = effectiveModel(model, layers);
  const set = await setting(ctx, effective, dataset, split, opts.engine);
  const key = evaluationKey(effective, dataset, split, set.engine, set.maxLength);
  return ctx.memo<Evaluation>(key, async () => {
    const prep = await prepare(ctx, set, dataset, split);
    const out = await run(ctx, model, effective, dataset, split, prep, opts);
    const metrics = computeMetrics(out.labels, out.predictions, dataset.labels);
    ctx.log(`${split} [${effective.layers.join(',')}]: accuracy ${metrics.accuracy.toFixed(4)}, macro-F1 ${metrics.macroF1.toFixed(4)} (${metrics.numExamples} examples, ${prep.engine})`);
    return {
      format: EVALUATION_FORMAT,
      split,
      layers: effective.layers,
      backend: prep.engine,
      labels: dataset.labels,
      ...metrics,
      predictions: Array.from(out.predictions),
    };
  });
}

/** Per-example logits and predictions (not memoized: model/predict is cached as a node). */
export async function predictSplit(
  ctx: NodeContext,
  { model, dataset, split, layers }: EvalTarget,
  opts: EvalOptions = {},
): Promise<{ outputs: SplitOutputs; examples: Example[]; layers: number[]; backend: string }> {
  const effective = effectiveModel(model, layers);
  const prep = await prepare(ctx, await setting(ctx, effective, dataset, split, opts.engine), dataset, split);
  const outputs = await run(ctx, model, effective, dataset, split, prep, opts);
  return { outputs, examples: prep.examples, layers: effective.layers, backend: prep.engine };
}
