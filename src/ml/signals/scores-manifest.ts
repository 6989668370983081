/**
 * The `scores` artifact (one per strategy: a signal, a baseline, an ablation order or a fusion)
 * and the `ablation` artifact (single-layer ablation drops, the fusion target). Pure data: the
 * pruning nodes and the report read them without a tensor backend.
 */
import { InputError } from '../../artifacts/errors.js';
import type { Direction, Oriented } from './types.js';

export const SCORES_FORMAT = 'layerfuse/scores@1';
export const ABLATION_FORMAT = 'layerfuse/ablation@1';

export interface ScoresManifest {
  format: typeof SCORES_FORMAT;
  /** `weight-entropy`, `random`, ..., or the fusion (`random-forest`, `linear-regression`, `weighted-sum`, `rank-mean`). */
  strategy: string;
  /** Layer ids scored (original 0-based numbering); scores[i] belongs to layers[i]. */
  layers: number[];
  scores: number[];
  direction: Direction;
  /** Layer ids, first pruned first (ties: lower id first). */
  order: number[];
  /** scores (low-first) or -scores (high-first): the lowest keep is pruned first. */
  keep: number[];
  /** The parameters that produced it (defaults filled). */
  params: Record<string, unknown>;
  /** Fusions only: features used, importances in [0, 1], LR slopes, and the fit rows. */
  signals?: string[];
  importances?: Record<string, number>;
  coefficients?: Record<string, number>;
  intercept?: number;
  fit?: 'in-sample' | 'cross';
  rows?: { names: string[]; features: number[][]; target?: number[] };
}

export interface AblationManifest {
  format: typeof ABLATION_FORMAT;
  split: string;
  layers: number[];
  accuracy_full: number;
  /** accuracies[i]: accuracy without layers[i]. */
  accuracies: number[];
  /** drops[i] = accuracy_full - accuracies[i]. */
  drops: number[];
}

export function asScoresManifest(value: unknown, what = 'scores'): ScoresManifest {
  const m = value as Partial<ScoresManifest> | null;
  if (!m || m.format !== SCORES_FORMAT || !Array.isArray(m.keep) || !Array.isArray(m.layers)) throw new InputError(`${what}: not a ${SCORES_FORMAT} manifest`);
  return m as ScoresManifest;
}

export function asAblationManifest(value: unknown, what = 'ablation'): AblationManifest {
  const m = value as Partial<AblationManifest> | null;
  if (!m || m.format !== ABLATION_FORMAT || !Array.isArray(m.drops)) throw new InputError(`${what}: not a ${ABLATION_FORMAT} manifest`);
  return m as AblationManifest;
}

/** A scores manifest from an oriented result (orient.ts) and the params that produced it. */
export function makeScores(strategy: string, layers: readonly number[], o: Oriented, params: Record<string, unknown>): ScoresManifest {
  return { format: SCORES_FORMAT, strategy, layers: [...layers], scores: o.scores, direction: o.direction, order: o.order, keep: o.keep, params };
}
