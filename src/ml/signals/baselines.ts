/**
 * Baseline strategies (docs/method.md "Baselines"): a seeded random order, top-down (last
 * layer first: Sajjad et al.'s "Poor Man's BERT"), bottom-up, and the single-layer ablation drop
 * itself. Each returns raw scores and the direction that produces its order through `orient`.
 */
import { mulberry32 } from '../data/rng.js';
import { orient } from './orient.js';
import { SignalInputError, type Oriented } from './types.js';

function checkLayers(layers: readonly number[]): void {
  if (layers.length === 0) throw new SignalInputError('no layers to order');
}

/**
 * A seeded permutation (Fisher-Yates). Score of a layer = its position in the permutation, so
 * `low` first reproduces the permutation.
 */
export function randomOrder(layers: readonly number[], seed: number): Oriented {
  checkLayers(layers);
  if (!Number.isInteger(seed)) throw new SignalInputError(`seed must be an integer, got ${seed}`);
  const rand = mulberry32(seed);
  const perm = layers.map((_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
  }
  const scores = new Array<number>(layers.length);
  perm.forEach((idx, pos) => (scores[idx] = pos));
  return orient(scores, 'low', layers);
}

/** Last layer first: score = layer id, highest pruned first. */
export function topDown(layers: readonly number[]): Oriented {
  checkLayers(layers);
  return orient([...layers], 'high', layers);
}

/** First layer first: score = layer id, lowest pruned first. */
export function bottomUp(layers: readonly number[]): Oriented {
  checkLayers(layers);
  return orient([...layers], 'low', layers);
}

/** Smallest single-layer ablation drop first. */
export function ablationOrder(drops: readonly number[], layers: readonly number[]): Oriented {
  checkLayers(layers);
  return orient(drops, 'low', layers);
}
