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
import type { CheckContext, InputFactsMap, NodeDecl, StaticFacts } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import type { FitMode } from '../ml/fusion/fuse.js';
import { family } from './family.js';
import { keptOf, listOf, sameLayers } from './static-facts.js';

/**
 * The feature names a fusion will use, as its run computes them (each input's signal; where
 * two share one, their node ids): undefined when some input's signal is not known statically.
 */
export function featureNames(inputs: InputFactsMap): string[] | undefined {
  const scores = listOf(inputs, 'scores');
  if (scores.some((s) => typeof s.facts.signal !== 'string')) return undefined;
  const counts = new Map<string, number>();
  for (const s of scores) counts.set(s.facts.signal as string, (counts.get(s.facts.signal as string) ?? 0) + 1);
  return scores.map((s) => ((counts.get(s.facts.signal as string) ?? 0) > 1 ? s.node : (s.facts.signal as string)));
}

/** Every score input must cover the same layers (known ones are compared). */
function checkSameLayers(ctx: CheckContext<unknown>): void {
  const known = listOf(ctx.inputs, 'scores').flatMap((s) => {
    const kept = keptOf(s.facts);
    return kept ? [{ node: s.node, kept }] : [];
  });
  const first = known[0];
  for (const k of known.slice(1)) {
    if (first && k.kept.join() !== first.kept.join()) {
      ctx.error(`\`${k.node}\` scores layers [${k.kept.join(', ')}] but \`${first.node}\` scores [${first.kept.join(', ')}]: fuse scores of one model`, 'scores');
      return;
    }
  }
}

/** A fusion's output facts: its method as signal name, the layers of its inputs. */
function fusedFacts(method: string): (p: unknown, inputs: InputFactsMap) => Record<string, StaticFacts> {
  return (_p, inputs) => ({ scores: { ...sameLayers(listOf(inputs, 'scores')[0]?.facts ?? {}), signal: method } });
}

/** `fit: in-sample` fits this model's drops (needs `target`); `fit: cross` fits other models' rows (needs `rows`). */
function checkFit(ctx: CheckContext<LearnedParams>): void {
  checkSameLayers(ctx);
  const hasTarget = ctx.inputs.target !== undefined;
  const rows = listOf(ctx.inputs, 'rows').length;
  if (ctx.params.fit === 'in-sample') {
    if (!hasTarget) {
      ctx.error(
        'fit: in-sample fits the regressor to this model\'s own ablation drops, so it needs `target: ${ABLATION}` (a prune/ablation node of this model); to predict from other models instead, write fit: cross with `rows`',
        'fit',
      );
    }
    if (rows > 0) ctx.error('`rows` are only used with fit: cross (fit: in-sample fits this model\'s own target)', 'rows');
  } else if (rows === 0) {
    ctx.error('fit: cross trains on other models\' fusion rows and never on this model\'s drops, so it needs `rows: [...]` (their fuse/linear-regression or fuse/random-forest nodes)', 'fit');
  }
}

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
  check: checkFit,
  facts: fusedFacts('linear-regression'),
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
  check: checkFit,
  facts: fusedFacts('random-forest'),
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
  // Weights name the inputs' signals: a name that is not among them, or an input without a
  // weight, is knowable from the file.
  check: (ctx) => {
    checkSameLayers(ctx);
    const names = featureNames(ctx.inputs);
    if (!names) return;
    const given = Object.keys(ctx.params.weights);
    for (const w of given) {
      if (!names.includes(w)) ctx.error(`weight for \`${w}\`, which is not among its input signals (${names.join(', ')})`, `weights.${w}`);
    }
    const missing = names.filter((n) => !given.includes(n));
    if (missing.length > 0) ctx.error(`no weight for ${missing.map((m) => `\`${m}\``).join(', ')}: every input signal needs one (0 ignores it)`, 'weights');
  },
  facts: fusedFacts('weighted-sum'),
};

export const rankMeanNode: NodeDecl = {
  type: 'fuse/rank-mean',
  version: 1,
  description: "Mean rank of each layer across the signals' keep scores (rank 1 = pruned first, ties averaged); lowest mean rank pruned first.",
  params: {},
  inputs: { scores: learnedInputs.scores },
  outputs: { scores: { type: 'scores', description: 'Mean ranks, order and (equal) importances.' } },
  check: (ctx) => checkSameLayers(ctx),
  facts: fusedFacts('rank-mean'),
};

export const fuseNodes = family([linearRegressionNode, randomForestNode, weightedSumNode, rankMeanNode], () => import('./run/fuse.js'));
