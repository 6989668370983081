/**
 * `fuse/linear-regression`, `fuse/random-forest`, `fuse/weighted-sum`, `fuse/rank-mean`:
 * strategic fusion of any set of score nodes (docs/method.md). Features are the inputs' `keep`
 * scores z-scored across layers; the output is a `scores` artifact (so a fusion orders pruning
 * wherever a single signal can) with the features used, signal importances in [0, 1], the
 * linear slopes, and `rows` (features and target) that other models' `fit: cross` fusions take.
 *
 * Feature names: each input's strategy; where two inputs share a strategy (e.g. MI with `pool:
 * mean` and `pool: cls`), the producing node ids name them instead.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import type { FitMode } from '../ml/fusion/fuse.js';
import { family } from './family.js';

export interface LearnedParams {
  fit: FitMode;
  /** linear-regression only. */
  ridge?: number;
  /** random-forest only. */
  seed?: number;
  trees?: number;
}

const learnedInputs = {
  scores: { type: 'scores' as const, many: true, description: 'Score nodes to fuse (`${score.*}` or a list).' },
  target: {
    type: 'ablation' as const,
    optional: true,
    description: "This model's single-layer ablation drops (prune/ablation). Required for fit: in-sample; with fit: cross it is only passed on in `rows`, never fitted.",
  },
  rows: {
    type: 'scores' as const,
    many: true,
    optional: true,
    description: "fit: cross only: other models' or datasets' learned fusion outputs, whose rows (features and drops) train the regressor.",
  },
};

const fitParam: JsonSchema = {
  enum: ['in-sample', 'cross'],
  default: 'in-sample',
  description: "`in-sample`: fit on this model's own rows (the paper's reading); `cross`: fit on the `rows` of other models only and predict this one.",
};

const learnedOutputs = { scores: { type: 'scores' as const, description: 'Fused scores (predicted drops), order, keep, importances and fit rows.' } };

export const linearRegressionNode: NodeDecl<LearnedParams> = {
  type: 'fuse/linear-regression',
  version: 1,
  description:
    'Least squares with intercept of the ablation drop on z-scored keep scores (minimum-norm, optional ridge); the predicted drop orders pruning (smallest first).',
  params: { fit: fitParam, ridge: { type: 'number', minimum: 0, default: 0, description: '0: minimum-norm least squares (pseudo-inverse); > 0: ridge penalty lambda on the slopes.' } },
  inputs: learnedInputs,
  outputs: learnedOutputs,
};

export const randomForestNode: NodeDecl<LearnedParams> = {
  type: 'fuse/random-forest',
  version: 1,
  description:
    'Regression forest (100 trees, bootstrap, all features per split, unlimited depth, seeded) of the ablation drop on z-scored keep scores; the predicted drop orders pruning.',
  params: {
    fit: fitParam,
    seed: { type: 'integer', default: 42, description: 'Seed of the bootstrap samples (ml-random-forest).' },
    trees: { type: 'integer', minimum: 1, default: 100, description: 'Number of trees.' },
  },
  inputs: learnedInputs,
  outputs: learnedOutputs,
};

export const weightedSumNode: NodeDecl<{ weights: Record<string, number> }> = {
  type: 'fuse/weighted-sum',
  version: 1,
  description: 'Weighted sum of the z-scored keep scores, with explicit weights per signal; lowest pruned first.',
  params: {
    weights: {
      type: 'object',
      additionalProperties: { type: 'number' },
      minProperties: 1,
      description: 'Weight per input signal, by strategy name (e.g. {weight-entropy: 2, task-relevance-mi: 1}); every input needs one (0 ignores it).',
    },
  },
  required: ['weights'],
  inputs: { scores: learnedInputs.scores },
  outputs: { scores: { type: 'scores', description: 'Fused keep scores, order and importances (|weight| scaled).' } },
};

export const rankMeanNode: NodeDecl = {
  type: 'fuse/rank-mean',
  version: 1,
  description: "Mean rank of each layer across the signals' keep scores (rank 1 = pruned first, ties averaged); lowest mean rank pruned first.",
  params: {},
  inputs: { scores: learnedInputs.scores },
  outputs: { scores: { type: 'scores', description: 'Mean ranks, order and (equal) importances.' } },
};

export const fuseNodes = family([linearRegressionNode, randomForestNode, weightedSumNode, rankMeanNode], () => import('./run/fuse.js'));
