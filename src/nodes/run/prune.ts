/** Run bodies of the prune family: ablation, and the curves of sequential, greedy and iterative removal. */
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { asModelManifest, manifestParameterCount, withLayers, type ModelManifest } from '../../ml/bert/manifest.js';
import { asDatasetManifest, datasetName, isSplitName, makeBatches, readSplit, type DatasetManifest } from '../../ml/data/index.js';
import { buildCurve, greedyOrder, iterativeOrder, recipeGroups, recipeStep, type CurveKind, type CurveManifest } from '../../ml/prune/index.js';
import { ABLATION_FORMAT, asScoresManifest, singleLayerAblation, type AblationManifest } from '../../ml/signals/index.js';
import { asTokenizerManifest, loadTokenizer } from '../../ml/tokenizer/index.js';
import { implement } from '../family.js';
import { ablationNode, greedyNode, iterativeNode, sequentialNode, type CurveParams } from '../prune.js';
import { curveScoring, type CurveScoring } from './curve-scorer.js';
import { modelFor } from './engines.js';
import { evaluateMemo, effectiveModel, releaseEvalCache } from './eval-memo.js';
import { recipeOf } from './recipe-params.js';

async function scoring(ctx: NodeContext, model: ModelManifest, data: DatasetManifest, p: CurveParams): Promise<CurveScoring> {
  return curveScoring(ctx, model, data, { engine: p.engine, batchSize: p.batch, budgetBytes: p.prefix_budget_mb * 2 ** 20 });
}

/** The curve of `order` and the model at its best k; logs the curve and the work it took. */
async function finish(
  ctx: NodeContext,
  s: CurveScoring,
  o: { kind: CurveKind; strategy: string; source: string; model: ModelManifest; data: DatasetManifest; order: number[]; p: CurveParams },
): Promise<{ curve: CurveManifest; model: ModelManifest }> {
  const curve = await buildCurve(s.scorer, {
    kind: o.kind,
    strategy: o.strategy,
    source: o.source,
    dataset: datasetName(o.data),
    layers: o.model.layers,
    order: o.order,
    selectOn: o.p.select_on,
    ...(o.p.max_drop !== undefined ? { maxDrop: o.p.max_drop } : {}),
    parameters: (kept) => manifestParameterCount(withLayers(o.model, kept)),
  });
  for (const pt of curve.points) {
    ctx.log(`k=${pt.k} kept [${pt.kept.join(',')}]: test ${pt.test.accuracy.toFixed(4)}, validation ${pt.validation.accuracy.toFixed(4)}`);
  }
  const best = curve.points[curve.best.k]!;
  ctx.log(`best k=${curve.best.k} on ${curve.select_on} (${curve.best.rule}): kept [${curve.best.kept.join(',')}], test ${best.test.accuracy.toFixed(4)}, validation ${best.validation.accuracy.toFixed(4)}`);
  ctx.log(s.summary());
  const c = s.counters();
  ctx.record({ memoHits: s.scorer.stats.hits, memoMisses: s.scorer.stats.misses, layerForwards: c.layerForwards, naiveLayerForwards: c.naiveLayerForwards });
  return { curve, model: withLayers(o.model, curve.best.kept) };
}

/** Accuracy of each kept set on `split`, through the scorer (memoized, prefix-reusing). */
function accuracyOn(s: CurveScoring, split: 'validation' | 'test'): (sets: number[][]) => Promise<number[]> {
  return async (sets) => (await s.scorer.score(split, sets)).map((x) => x.accuracy);
}

export default [
  implement(ablationNode, async (ctx, p, inputs) => {
    const model = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    try {
      const total = model.layers.length + 1;
      let done = 0;
      const r = await singleLayerAblation(model.layers, async (kept) => {
        const e = await evaluateMemo(ctx, { model, dataset: data, split: p.split, layers: kept }, { batchSize: p.batch, engine: p.engine });
        ctx.progress({ done: ++done, total, message: `ablation ${p.split}` });
        return e.accuracy;
      });
      ctx.log(`${p.split}: full ${r.accuracyFull.toFixed(4)}; drops ${r.layers.map((l, i) => `${l}:${(r.drops[i] as number).toFixed(4)}`).join(' ')}`);
      const out: AblationManifest = { format: ABLATION_FORMAT, split: p.split, layers: r.layers, accuracy_full: r.accuracyFull, accuracies: r.accuracies, drops: r.drops };
      return { ablation: out };
    } finally {
      releaseEvalCache();
    }
  }),

  implement(sequentialNode, async (ctx, p, inputs) => {
    const model = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    const orderArt = inputs.one('order');
    const order = asScoresManifest(orderArt.manifest, inputs.what('order', orderArt));
    if ([...order.layers].sort((a, b) => a - b).join() !== model.layers.join()) {
      throw new NodeError(`${ctx.nodeId}: the order (from ${orderArt.from.node}) ranks layers [${order.layers.join(', ')}] but the model keeps [${model.layers.join(', ')}]: compute the order on this model`);
    }
    const s = await scoring(ctx, model, data, p);
    try {
      return await finish(ctx, s, { kind: 'sequential', strategy: order.strategy, source: orderArt.from.node, model, data, order: order.order, p });
    } finally {
      s.dispose();
      releaseEvalCache();
    }
  }),

  implement(greedyNode, async (ctx, p, inputs) => {
    const model = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    const s = await scoring(ctx, model, data, p);
    try {
      const g = await greedyOrder(model.layers, accuracyOn(s, p.split));
      for (const st of g.steps) {
        ctx.log(`greedy: from [${st.kept.join(',')}] ${p.split} accuracy without each: ${st.kept.map((l, i) => `${l}:${st.accuracies[i]!.toFixed(4)}`).join(' ')} -> remove ${st.removed}`);
      }
      return await finish(ctx, s, { kind: 'greedy', strategy: 'greedy', source: ctx.nodeId, model, data, order: g.order, p });
    } finally {
      s.dispose();
      releaseEvalCache();
    }
  }),

  implement(iterativeNode, async (ctx, p, inputs) => {
    const model = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    const recipe = recipeOf(p);
    const split = recipe.capture.split;
    if (!isSplitName(split)) throw new NodeError(`${ctx.nodeId}: capture.split: unknown split '${split}' (train, validation, test or calibration)`);
    const s = await scoring(ctx, model, data, p);
    try {
      // Calibration batches in split order (gradient signals depend on the grouping), as signals/capture makes them.
      const tokManifest = asTokenizerManifest(model.tokenizer, "the model's tokenizer");
      const calibration: ReturnType<typeof makeBatches> = [];
      if (recipeGroups(recipe.signals).length > 0) {
        const tok = await loadTokenizer(ctx, tokManifest, { maxLength: Math.min(tokManifest.maxLength, model.config.maxPositions) });
        const examples = await readSplit(ctx, data, split);
        calibration.push(...makeBatches({ ids: tok.encode(examples.map((e) => e.text)), labels: Int32Array.from(examples, (e) => e.label) }, recipe.capture.batch, { padTokenId: tok.specialIds.pad }));
      }
      // The evaluations' model (one per process): capture runs on it too, restricted to the kept layers.
      const loaded = await modelFor(ctx, effectiveModel(model));
      let step = 0;
      const it = await iterativeOrder(model.layers, async (kept) => {
        const r = await recipeStep(recipe, kept, {
          model: loaded.model,
          calibration,
          accuracy: accuracyOn(s, recipe.target.split as 'validation' | 'test'),
          onCapture: (done, total) => ctx.progress({ done, total, message: `step ${step + 1} capture ${split}` }),
        });
        step++;
        ctx.log(`iterative step ${step}: kept [${kept.join(',')}]${r.drops ? `, drops ${kept.map((l, i) => `${l}:${r.drops![i]!.toFixed(4)}`).join(' ')}` : ''}; order [${r.order.join(',')}] -> remove ${r.order[0]}`);
        return r.order;
      });
      const strategy = p.strategy ?? `iterative-${recipe.fusion.method}`;
      return await finish(ctx, s, { kind: 'iterative', strategy, source: ctx.nodeId, model, data, order: it.order, p });
    } finally {
      s.dispose();
      releaseEvalCache();
    }
  }),
];
