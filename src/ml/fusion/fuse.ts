/**
 * Strategic fusion (docs/method.md): features are the signals' `keep` scores, z-scored per column
 * within each model; the learned fusions regress the single-layer ablation drop on them and the
 * fused score is the predicted drop (smallest pruned first).
 *
 * `fit: in-sample` fits on this model's own rows (the paper's reading). `fit: cross` fits only
 * on rows of other models or datasets and predicts this one: `fitPredict` never receives the
 * target of the rows it predicts, so it cannot leak into the fit.
 */
import { rankMean, weightedSum } from './combine.js';
import { FusionInputError } from './errors.js';
import { fitLinear, predictLinear, standardizedCoefficients } from './linear-regression.js';
import { fitForest } from './random-forest.js';
import { featureRows, minMaxScale } from './zscore.js';

export interface SignalColumn {
  /** Feature name: the strategy (or the producing node id where strategies repeat). */
  name: string;
  /** Oriented `keep` score per layer. */
  keep: readonly number[];
}

/** One model's fusion rows: z-scored features (rows = layers) and, where known, the ablation drop. */
export interface FusionRows {
  names: string[];
  features: number[][];
  target?: number[];
  /** Where the rows came from, for messages. */
  source?: string;
}

export type LearnedMethod = 'linear-regression' | 'random-forest';

export interface LearnedOptions {
  ridge?: number;
  seed?: number;
  trees?: number;
}

export interface FusionResult {
  /** Fused score per layer; lowest pruned first. */
  scores: number[];
  /** Per signal, min-max scaled to [0, 1]. */
  importances: Record<string, number>;
  /** Linear regression only: slopes per signal and the intercept. */
  coefficients?: Record<string, number>;
  intercept?: number;
}

/** Build this model's feature rows from its signals; checks names and lengths. */
export function buildRows(signals: readonly SignalColumn[], target?: readonly number[], source?: string): FusionRows {
  if (signals.length === 0) throw new FusionInputError('no signals to fuse');
  const layers = signals[0]?.keep.length ?? 0;
  if (layers < 2) throw new FusionInputError(`fusion needs at least 2 layers, got ${layers}`);
  const seen = new Set<string>();
  for (const s of signals) {
    if (seen.has(s.name)) throw new FusionInputError(`signal ${s.name} is given twice`);
    seen.add(s.name);
    if (s.keep.length !== layers) throw new FusionInputError(`signal ${s.name} scores ${s.keep.length} layers, ${signals[0]?.name} scores ${layers}`);
    s.keep.forEach((v, l) => {
      if (!Number.isFinite(v)) throw new FusionInputError(`signal ${s.name}: keep score of layer ${l} is ${v}`);
    });
  }
  if (target && target.length !== layers) throw new FusionInputError(`target has ${target.length} drops for ${layers} layers`);
  return {
    names: signals.map((s) => s.name),
    features: featureRows(signals.map((s) => s.keep)),
    ...(target ? { target: [...target] } : {}),
    ...(source ? { source } : {}),
  };
}

/** The training rows aligned to `names` (columns reordered by name), stacked over sources. */
function stack(train: readonly FusionRows[], names: readonly string[]): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (const r of train) {
    const where = r.source ? ` (${r.source})` : '';
    if (!r.target) throw new FusionInputError(`training rows${where} carry no ablation target`);
    const cols = names.map((nm) => {
      const j = r.names.indexOf(nm);
      if (j < 0) throw new FusionInputError(`training rows${where} lack signal ${nm} (they have ${r.names.join(', ')})`);
      return j;
    });
    r.features.forEach((row, l) => {
      x.push(cols.map((j) => row[j] as number));
      y.push(r.target?.[l] as number);
    });
  }
  if (x.length < 2) throw new FusionInputError(`fusion needs at least 2 training rows, got ${x.length}`);
  return { x, y };
}

/**
 * Fit `method` on `train` and predict `features` (rows of the model being ordered). In-sample
 * fusion passes this model's own rows as `train`; cross fusion passes only other models' rows.
 */
export function fitPredict(
  method: LearnedMethod,
  train: readonly FusionRows[],
  names: readonly string[],
  features: ReadonlyArray<readonly number[]>,
  opts: LearnedOptions = {},
): FusionResult {
  const { x, y } = stack(train, names);
  if (method === 'linear-regression') {
    const m = fitLinear(x, y, opts.ridge ?? 0);
    const imp = minMaxScale(standardizedCoefficients(m, x).map(Math.abs));
    return {
      scores: predictLinear(m, features),
      importances: Object.fromEntries(names.map((n, j) => [n, imp[j] as number])),
      coefficients: Object.fromEntries(names.map((n, j) => [n, m.coefficients[j] as number])),
      intercept: m.intercept,
    };
  }
  const f = fitForest(x, y, { seed: opts.seed ?? 42, trees: opts.trees ?? 100 });
  const imp = minMaxScale(f.importance);
  return { scores: f.predict(features), importances: Object.fromEntries(names.map((n, j) => [n, imp[j] as number])) };
}

/** Weighted sum of the z-scored keep columns; `weights` by signal name, each signal needs one. */
export function fuseWeighted(rows: FusionRows, weights: Record<string, number>): FusionResult {
  const unknown = Object.keys(weights).filter((k) => !rows.names.includes(k));
  if (unknown.length > 0) throw new FusionInputError(`weights name signals that are not inputs: ${unknown.join(', ')} (inputs: ${rows.names.join(', ')})`);
  const missing = rows.names.filter((n) => !Object.hasOwn(weights, n));
  if (missing.length > 0) throw new FusionInputError(`no weight for ${missing.join(', ')} (give each input signal a weight; 0 ignores it)`);
  const w = rows.names.map((n) => weights[n] as number);
  w.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new FusionInputError(`weight of ${rows.names[j]} is ${v}`);
  });
  // |w| / max |w|: the weights the user gave, on [0, 1] (min-max would send the smaller of two
  // weights to 0 whatever its size).
  const top = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const imp = w.map((v) => (top > 0 ? Math.abs(v) / top : 0));
  return { scores: weightedSum(rows.features, w), importances: Object.fromEntries(rows.names.map((n, j) => [n, imp[j] as number])) };
}

/** Mean rank across the signals' keep scores (ranks are unchanged by z-scoring). */
export function fuseRankMean(signals: readonly SignalColumn[]): FusionResult {
  return { scores: rankMean(signals.map((s) => s.keep)), importances: Object.fromEntries(signals.map((s) => [s.name, 1])) };
}

export type FitMode = 'in-sample' | 'cross';

/**
 * The learned fusions as nodes call them. `in-sample` trains on `mine` (its target required);
 * `cross` trains on `others` only, never reading `mine.target`, and predicts `mine`.
 */
export function fuseLearned(method: LearnedMethod, fit: FitMode, mine: FusionRows, others: readonly FusionRows[], opts: LearnedOptions = {}): FusionResult {
  if (fit === 'in-sample') {
    if (!mine.target) throw new FusionInputError('fit: in-sample needs the ablation target of this model');
    return fitPredict(method, [mine], mine.names, mine.features, opts);
  }
  if (others.length === 0) throw new FusionInputError('fit: cross needs rows of at least one other model or dataset (the `rows` input)');
  return fitPredict(method, others, mine.names, mine.features, opts);
}
