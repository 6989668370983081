/**
 * One iterative step on a live model: capture the recipe's statistics on the calibration batches
 * with only the kept layers, read the kept layers' weights, measure the ablation drops of the
 * current model when the fusion learns from them, and order the kept layers by the recipe.
 */
import type { BertClassifier } from '../bert/model.js';
import { layerPrefix } from '../bert/names.js';
import { readBack } from '../read-back.js';
import { captureStats } from '../signals/capture.js';
import { WEIGHT_MATRIX_SUFFIXES } from '../signals/weight-signals.js';
import type { Batch } from '../types.js';
import { recipeGroups, recipeNeedsTarget, recipeOrder, weightOnlyStats, type Recipe, type RecipeStep } from './recipe.js';

export interface RecipeStepInputs {
  model: BertClassifier;
  /** Calibration batches, in the capture's order (gradient signals depend on the grouping). */
  calibration: readonly Batch[];
  /** Accuracy on the target split of each kept set (memoized in practice). */
  accuracy: (sets: number[][]) => Promise<number[]>;
  onCapture?: (done: number, total: number) => void;
}

export interface RecipeStepResult extends RecipeStep {
  /** Ablation drops of the kept layers (learned fusions only). */
  drops?: number[];
}

export async function recipeStep(r: Recipe, kept: readonly number[], inp: RecipeStepInputs): Promise<RecipeStepResult> {
  const { model } = inp;
  const c = model.config;
  const groups = recipeGroups(r.signals);
  const stats =
    groups.length > 0
      ? await captureStats(model, inp.calibration, { eps: r.capture.eps, groups, layers: kept, ...(inp.onCapture ? { onBatch: inp.onCapture } : {}) })
      : weightOnlyStats(kept, c.hiddenSize, c.intermediateSize, c.numHeads);
  // Weights read back once per step (asynchronously: WebGPU has no synchronous read).
  const mats = new Map<number, Float32Array[]>();
  for (const l of kept) mats.set(l, await Promise.all(WEIGHT_MATRIX_SUFFIXES.map(async (s) => (await readBack(model.param(layerPrefix(l) + s))) as Float32Array)));
  const weights = (l: number): Float32Array[] => mats.get(l) ?? [];
  let drops: number[] | undefined;
  if (recipeNeedsTarget(r)) {
    const sets = [[...kept], ...kept.map((l) => kept.filter((x) => x !== l))];
    const acc = await inp.accuracy(sets);
    drops = acc.slice(1).map((a) => acc[0]! - a);
  }
  const step = recipeOrder(r, stats, weights, drops);
  return drops ? { ...step, drops } : step;
}
