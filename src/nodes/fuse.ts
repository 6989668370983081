/**
 * `fuse/linear-regression`, `fuse/random-forest`, `fuse/weighted-sum`, `fuse/rank-mean`:
 * strategic fusion of any set of score nodes (METHOD.md). Features are the inputs' `keep`
 * scores z-scored across layers; the output is a `scores` artifact (so a fusion orders pruning
 * wherever a single signal can) with the features used, signal importances in [0, 1], the
 * linear slopes, and `rows` (features and target) that other models' `fit: cross` fusions take.
 *
 * Feature names: each input's strategy; where two inputs share a strategy (e.g. MI with `pool:
 * mean` and `pool: cls`), the producing node ids name them instead.
 */
import { asAblationManifest, asScoresManifest, SCORES_FORMAT, type ScoresManifest } from './score.js';
import { asNodeError } from './signals.js';
import { NodeError, type Artifact, type JsonSchema, type NodeContext, type NodeType } from './types.js';
import type { FusionResult, FusionRows, SignalColumn } from '../ml/fusion/index.js';

type Inputs = Record<string, Artifact | Artifact[] | undefined>;

function many(inputs: Inputs, port: string): Artifact[] {
  const a = inputs[port];
  if (a === undefined) return [];
  return Array.isArray(a) ? a : [a];
}

/** The score inputs as named keep columns over one common layer list. */
function signalColumns(ctx: NodeContext, inputs: Inputs): { layers: number[]; columns: SignalColumn[] } {
  const arts = many(inputs, 'scores');
  if (arts.length === 0) throw new NodeError(`${ctx.nodeId}: no score inputs (with: scores: \${score.*} or a list)`);
  const ms = arts.map((a) => asScoresManifest(a, ctx.nodeId, 'scores'));
  const layers = ms[0]!.layers;
  if (layers.length < 2) throw new NodeError(`${ctx.nodeId}: fusion needs at least 2 layers, ${arts[0]!.from.node} scores ${layers.length}`);
  ms.forEach((m, i) => {
    if (m.layers.join() !== layers.join()) {
      throw new NodeError(`${ctx.nodeId}: ${arts[i]!.from.node} scores layers [${m.layers.join(', ')}] but ${arts[0]!.from.node} scores [${layers.join(', ')}]`);
    }
  });
  const counts = new Map<string, number>();
  for (const m of ms) counts.set(m.strategy, (counts.get(m.strategy) ?? 0) + 1);
  const columns = ms.map((m, i) => ({ name: (counts.get(m.strategy) ?? 0) > 1 ? arts[i]!.from.node : m.strategy, keep: m.keep }));
  return { layers, columns };
}

function fusionOutput(
  strategy: string,
  layers: number[],
  rows: FusionRows,
  r: FusionResult,
  params: Record<string, unknown>,
  orient: (scores: number[], direction: 'low', layers: number[]) => { scores: number[]; direction: 'low' | 'high'; order: number[]; keep: number[] },
  fit?: 'in-sample' | 'cross',
): { scores: ScoresManifest } {
  const o = orient(r.scores, 'low', layers);
  const out: ScoresManifest = {
    format: SCORES_FORMAT,
    strategy,
    layers,
    scores: o.scores,
    direction: o.direction,
    order: o.order,
    keep: o.keep,
    params,
    signals: rows.names,
    importances: r.importances,
    rows: { names: rows.names, features: rows.features, ...(rows.target ? { target: rows.target } : {}) },
  };
  if (r.coefficients) out.coefficients = r.coefficients;
  if (r.intercept !== undefined) out.intercept = r.intercept;
  if (fit) out.fit = fit;
  return { scores: out };
}

/** Other models' fusion rows for `fit: cross`, each with its ablation target. */
function crossRows(ctx: NodeContext, inputs: Inputs): FusionRows[] {
  return many(inputs, 'rows').map((a) => {
    const m = asScoresManifest(a, ctx.nodeId, 'rows');
    if (!m.rows || !m.rows.target) {
      throw new NodeError(
        `${ctx.nodeId}: rows input ${a.from.node} carries no fusion rows with an ablation target (give the output of another model's fuse/linear-regression or fuse/random-forest node that has a target)`,
      );
    }
    return { names: m.rows.names, features: m.rows.features, target: m.rows.target, source: a.from.node };
  });
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

function learnedNode(method: 'linear-regression' | 'random-forest'): NodeType<Record<string, unknown>> {
  const params: Record<string, JsonSchema> =
    method === 'linear-regression'
      ? { fit: fitParam, ridge: { type: 'number', minimum: 0, default: 0, description: '0: minimum-norm least squares (pseudo-inverse); > 0: ridge penalty lambda on the slopes.' } }
      : {
          fit: fitParam,
          seed: { type: 'integer', default: 42, description: 'Seed of the bootstrap samples (ml-random-forest).' },
          trees: { type: 'integer', minimum: 1, default: 100, description: 'Number of trees.' },
        };
  return {
    type: `fuse/${method}`,
    version: 1,
    description:
      method === 'linear-regression'
        ? 'Least squares with intercept of the ablation drop on z-scored keep scores (minimum-norm, optional ridge); the predicted drop orders pruning (smallest first).'
        : 'Regression forest (100 trees, bootstrap, all features per split, unlimited depth, seeded) of the ablation drop on z-scored keep scores; the predicted drop orders pruning.',
    params,
    inputs: learnedInputs,
    outputs: { scores: { type: 'scores', description: 'Fused scores (predicted drops), order, keep, importances and fit rows.' } },
    async run(ctx, raw, inputs) {
      const p: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(params)) p[k] = raw[k] ?? s.default;
      const fit = p.fit as 'in-sample' | 'cross';
      const { layers, columns } = signalColumns(ctx, inputs);
      const f = await import('../ml/fusion/index.js');
      const { orient } = await import('../ml/signals/index.js');
      let target: number[] | undefined;
      if (inputs.target !== undefined) {
        const t = asAblationManifest(inputs.target, ctx.nodeId, 'target');
        if (t.layers.join() !== layers.join()) throw new NodeError(`${ctx.nodeId}: target ablates layers [${t.layers.join(', ')}] but the scores cover [${layers.join(', ')}]`);
        target = t.drops;
      } else if (fit === 'in-sample') {
        throw new NodeError(`${ctx.nodeId}: fit: in-sample needs target: a prune/ablation result of this model`);
      }
      if (fit === 'in-sample' && inputs.rows !== undefined && many(inputs, 'rows').length > 0) {
        throw new NodeError(`${ctx.nodeId}: rows are only used with fit: cross`);
      }
      try {
        const mine = f.buildRows(columns, target, ctx.nodeId);
        // The cross fit gets this model's rows without their target: it cannot see them.
        const predictOn: FusionRows = { names: mine.names, features: mine.features };
        const r = f.fuseLearned(method, fit, fit === 'in-sample' ? mine : predictOn, fit === 'cross' ? crossRows(ctx, inputs) : [], {
          ridge: p.ridge as number | undefined,
          seed: p.seed as number | undefined,
          trees: p.trees as number | undefined,
        });
        return fusionOutput(method, layers, mine, r, p, orient, fit);
      } catch (err) {
        asNodeError(err, ctx.nodeId);
      }
    },
  };
}

const weightedSumNode: NodeType<Record<string, unknown>> = {
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
  async run(ctx, raw, inputs) {
    const weights = (raw.weights ?? {}) as Record<string, number>;
    const { layers, columns } = signalColumns(ctx, inputs);
    const f = await import('../ml/fusion/index.js');
    const { orient } = await import('../ml/signals/index.js');
    try {
      const rows = f.buildRows(columns, undefined, ctx.nodeId);
      return fusionOutput('weighted-sum', layers, rows, f.fuseWeighted(rows, weights), { weights }, orient);
    } catch (err) {
      asNodeError(err, ctx.nodeId);
    }
  },
};

const rankMeanNode: NodeType<Record<string, unknown>> = {
  type: 'fuse/rank-mean',
  version: 1,
  description: "Mean rank of each layer across the signals' keep scores (rank 1 = pruned first, ties averaged); lowest mean rank pruned first.",
  params: {},
  inputs: { scores: learnedInputs.scores },
  outputs: { scores: { type: 'scores', description: 'Mean ranks, order and (equal) importances.' } },
  async run(ctx, _raw, inputs) {
    const { layers, columns } = signalColumns(ctx, inputs);
    const f = await import('../ml/fusion/index.js');
    const { orient } = await import('../ml/signals/index.js');
    try {
      const rows = f.buildRows(columns, undefined, ctx.nodeId);
      return fusionOutput('rank-mean', layers, rows, f.fuseRankMean(columns), {}, orient);
    } catch (err) {
      asNodeError(err, ctx.nodeId);
    }
  },
};

export const fuseNodes: ReadonlyArray<NodeType<never>> = [
  learnedNode('linear-regression'),
  learnedNode('random-forest'),
  weightedSumNode,
  rankMeanNode,
] as unknown as ReadonlyArray<NodeType<never>>;
