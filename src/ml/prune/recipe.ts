/**
 * An iterative-pruning recipe: which signals (with which score parameters), which fusion (with
 * which parameters) and the capture and ablation-target settings, as plain data from YAML. One
 * step applies it to one model's captured statistics and weights with the same functions the
 * score and fuse nodes use (src/ml/signals, src/ml/fusion), so a recipe means exactly what the
 * equivalent score/fuse nodes mean.
 *
 * Learned fusions fit in-sample (the paper's reading): the target is the current model's own
 * single-layer ablation drops on `target.split`.
 */
import { buildRows, fuseLearned, fuseRankMean, fuseWeighted, type FusionResult, type SignalColumn } from '../fusion/index.js';
import type { CapturedStats } from '../signals/captured.js';
import { SIGNAL_NEEDS, signalScores, type SignalParams, type WeightSource } from '../signals/compute.js';
import { orient } from '../signals/orient.js';
import { SIGNAL_DIRECTIONS, SIGNAL_NAMES, type CaptureGroup, type Direction, type SignalName } from '../signals/types.js';
import { InputError } from '../../artifacts/errors.js';
import type { FusionMethod } from './recipe-types.js';

export { FUSION_METHODS, type FusionMethod } from './recipe-types.js';

export interface RecipeSignal extends SignalParams {
  name: SignalName;
  /** Feature name in the fusion (default: the signal name; needed when a signal repeats). */
  label?: string;
  direction?: Direction;
}

export interface RecipeFusion {
  method: FusionMethod;
  /** linear-regression: ridge penalty (default 0: minimum-norm least squares). */
  ridge?: number;
  /** random-forest: trees (default 100) and seed (default 42). */
  trees?: number;
  seed?: number;
  /** weighted-sum: a weight per signal label. */
  weights?: Record<string, number>;
}

export interface Recipe {
  signals: RecipeSignal[];
  fusion: RecipeFusion;
  capture: { batch: number; eps: number; split: string };
  target: { split: string };
}

export class RecipeError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'RecipeError';
  }
}

/**
 * A signal entry as YAML gives it: a name, or {name, label?, direction?, score params}.
 * `params(name)` lists the score params that signal takes (the score node's declaration owns
 * them and their defaults; the caller fills the defaults).
 */
export function parseRecipeSignal(entry: unknown, at: string, params: (name: SignalName) => readonly string[]): RecipeSignal {
  const obj = typeof entry === 'string' ? { name: entry } : (entry as Record<string, unknown> | null);
  if (!obj || typeof obj !== 'object' || typeof obj.name !== 'string') throw new RecipeError(`${at}: a signal is a name or {name: ..., params}`);
  const name = obj.name;
  if (!(SIGNAL_NAMES as readonly string[]).includes(name)) throw new RecipeError(`${at}: unknown signal '${name}' (one of ${SIGNAL_NAMES.join(', ')})`);
  const allowed = new Set(['name', 'label', 'direction', ...params(name as SignalName)]);
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) {
      const own = params(name as SignalName).filter((x) => x !== 'direction');
      throw new RecipeError(`${at}: ${name} has no parameter '${k}'${own.length ? ` (it takes ${own.join(', ')})` : ''}`);
    }
  }
  return obj as unknown as RecipeSignal;
}

/** Which capture groups a recipe's signals read (weight signals read none). */
export function recipeGroups(signals: readonly RecipeSignal[]): CaptureGroup[] {
  const groups = new Set<CaptureGroup>();
  for (const s of signals) {
    let need = SIGNAL_NEEDS[s.name];
    if (s.name === 'activation-inhibition' && (s.tensor ?? 'output') === 'ffn') need = 'ffn';
    if (need) groups.add(need as CaptureGroup);
  }
  return [...groups];
}

/** Does a step need the ablation drops (learned fusions only)? */
export function recipeNeedsTarget(r: Recipe): boolean {
  return r.fusion.method === 'linear-regression' || r.fusion.method === 'random-forest';
}

/** Check a recipe's signals and fusion fit together (before any step runs). */
export function checkRecipe(r: Recipe): void {
  if (r.signals.length === 0) throw new RecipeError('signals: the recipe has no signals');
  const labels = r.signals.map((s) => s.label ?? s.name);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw new RecipeError(`signals: '${dup}' appears twice; give one a \`label\``);
  if (r.fusion.method === 'none' && r.signals.length !== 1) throw new RecipeError(`fusion: method none orders by one signal, but the recipe has ${r.signals.length}`);
  if (r.fusion.method === 'weighted-sum') {
    const w = r.fusion.weights ?? {};
    const missing = labels.filter((l) => !(l in w));
    const unknown = Object.keys(w).filter((k) => !labels.includes(k));
    if (missing.length) throw new RecipeError(`fusion.weights: no weight for ${missing.join(', ')}`);
    if (unknown.length) throw new RecipeError(`fusion.weights: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among the signals (${labels.join(', ')})`);
  }
}

export interface RecipeStep {
  /** Order over the scored layers, first pruned first. */
  order: number[];
  /** The fused (or single) score per layer, lowest pruned first. */
  keep: number[];
  importances?: Record<string, number>;
}

/**
 * One step: scores of every signal on `stats` (its layers are the current model's), oriented,
 * then fused. `drops[i]` is the ablation drop of stats.layers[i] (learned fusions only).
 */
export function recipeOrder(r: Recipe, stats: CapturedStats, weights: WeightSource, drops?: readonly number[]): RecipeStep {
  checkRecipe(r);
  const layers = stats.layers;
  const columns: SignalColumn[] = r.signals.map((s) => {
    const params: SignalParams = {};
    if (s.bins !== undefined) params.bins = s.bins;
    if (s.pool !== undefined) params.pool = s.pool;
    if (s.tau !== undefined) params.tau = s.tau;
    if (s.tensor !== undefined) params.tensor = s.tensor;
    const scores = signalScores(s.name, stats, params, weights);
    return { name: s.label ?? s.name, keep: orient(scores, s.direction ?? SIGNAL_DIRECTIONS[s.name], layers).keep };
  });
  const f = r.fusion;
  if (f.method === 'none') {
    const keep = columns[0]!.keep as number[];
    return { order: orient(keep, 'low', layers).order, keep: [...keep] };
  }
  let result: FusionResult;
  if (f.method === 'rank-mean') result = fuseRankMean(columns);
  else if (f.method === 'weighted-sum') result = fuseWeighted(buildRows(columns), f.weights ?? {});
  else {
    if (!drops) throw new RecipeError(`fusion ${f.method} needs the ablation drops of the current model`);
    const rows = buildRows(columns, drops);
    const opts: { ridge?: number; seed?: number; trees?: number } = {};
    if (f.ridge !== undefined) opts.ridge = f.ridge;
    if (f.seed !== undefined) opts.seed = f.seed;
    if (f.trees !== undefined) opts.trees = f.trees;
    result = fuseLearned(f.method, 'in-sample', rows, [], opts);
  }
  const o = orient(result.scores, 'low', layers);
  return { order: o.order, keep: o.keep, importances: result.importances };
}

/** Statistics with no captured groups: enough for the weight signals, which read the model. */
export function weightOnlyStats(layers: readonly number[], hidden: number, intermediate: number, heads: number): CapturedStats {
  const z = (): Float64Array => new Float64Array(layers.length);
  return {
    layers: [...layers],
    n: 0,
    hidden,
    intermediate,
    heads,
    labels: new Int32Array(0),
    tokens: 0,
    actAbsSum: z(),
    actSqSum: z(),
    actNegCount: z(),
    ffnNegCount: z(),
    attnMaxSum: z(),
    attnEntropySum: z(),
    pooled: [],
    cls: [],
    batches: 0,
    gradAbsMean: new Float64Array(0),
    gradSqMean: new Float64Array(0),
    eps: 0,
    groups: [],
  };
}
