/**
 * Run bodies of the fusion family. Feature names: each input's strategy; where two inputs share
 * a strategy (e.g. MI with `pool: mean` and `pool: cls`), the producing node ids name them instead.
 */
import { NodeError } from '../../artifacts/errors.js';
import type { NodeInputs } from '../../artifacts/inputs.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { buildRows, fuseLearned, fuseRankMean, fuseWeighted, type FusionResult, type FusionRows, type LearnedMethod, type SignalColumn } from '../../ml/fusion/index.js';
import { asAblationManifest, asScoresManifest, makeScores, orient, type ScoresManifest } from '../../ml/signals/index.js';
import { implement } from '../family.js';
import { linearRegressionNode, randomForestNode, rankMeanNode, weightedSumNode, type LearnedParams } from '../fuse.js';

/** The score inputs as named keep columns over one common layer list. */
function signalColumns(ctx: NodeContext, inputs: NodeInputs): { layers: number[]; columns: SignalColumn[] } {
  const arts = inputs.many('scores');
  if (arts.length === 0) throw new NodeError(`${ctx.nodeId}: no score inputs (with: scores: \${score.*} or a list)`);
  const ms = inputs.many('scores', asScoresManifest);
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

/** The fused scores, with the features used, their importances, the linear slopes and the fit rows. */
function fusionOutput(strategy: string, layers: number[], rows: FusionRows, r: FusionResult, params: Record<string, unknown>, fit?: 'in-sample' | 'cross'): { scores: ScoresManifest } {
  const out: ScoresManifest = {
    ...makeScores(strategy, layers, orient(r.scores, 'low', layers), params),
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
function crossRows(ctx: NodeContext, inputs: NodeInputs): FusionRows[] {
  return inputs.many('rows').map((a) => {
    const m = asScoresManifest(a.manifest, inputs.what('rows', a));
    if (!m.rows || !m.rows.target) {
      throw new NodeError(
        `${ctx.nodeId}: rows input ${a.from.node} carries no fusion rows with an ablation target (give the output of another model's fuse/linear-regression or fuse/random-forest node that has a target)`,
      );
    }
    return { names: m.rows.names, features: m.rows.features, target: m.rows.target, source: a.from.node };
  });
}

function learned(method: LearnedMethod) {
  return async (ctx: NodeContext, p: LearnedParams, inputs: NodeInputs): Promise<{ scores: ScoresManifest }> => {
    const { layers, columns } = signalColumns(ctx, inputs);
    const t = inputs.optional('target', asAblationManifest);
    if (t && t.layers.join() !== layers.join()) throw new NodeError(`${ctx.nodeId}: target ablates layers [${t.layers.join(', ')}] but the scores cover [${layers.join(', ')}]`);
    if (!t && p.fit === 'in-sample') throw new NodeError(`${ctx.nodeId}: fit: in-sample needs target: a prune/ablation result of this model`);
    if (p.fit === 'in-sample' && inputs.many('rows').length > 0) throw new NodeError(`${ctx.nodeId}: rows are only used with fit: cross`);
    const mine = buildRows(columns, t?.drops, ctx.nodeId);
    // The cross fit gets this model's rows without their target: it cannot see them.
    const predictOn: FusionRows = { names: mine.names, features: mine.features };
    const r = fuseLearned(method, p.fit, p.fit === 'in-sample' ? mine : predictOn, p.fit === 'cross' ? crossRows(ctx, inputs) : [], { ridge: p.ridge, seed: p.seed, trees: p.trees });
    return fusionOutput(method, layers, mine, r, { ...p }, p.fit);
  };
}

export default [
  implement(linearRegressionNode, learned('linear-regression')),
  implement(randomForestNode, learned('random-forest')),
  implement(weightedSumNode, async (ctx, p, inputs) => {
    const { layers, columns } = signalColumns(ctx, inputs);
    const rows = buildRows(columns, undefined, ctx.nodeId);
    return fusionOutput('weighted-sum', layers, rows, fuseWeighted(rows, p.weights), { weights: p.weights });
  }),
  implement(rankMeanNode, async (ctx, _p, inputs) => {
    const { layers, columns } = signalColumns(ctx, inputs);
    const rows = buildRows(columns, undefined, ctx.nodeId);
    return fusionOutput('rank-mean', layers, rows, fuseRankMean(columns), {});
  }),
];
