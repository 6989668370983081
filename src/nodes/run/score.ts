/** Run bodies of the score family: the twelve signals, the baselines, the ablation order. */
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { NodeInputs } from '../../artifacts/inputs.js';
import type { TensorRef } from '../../artifacts/types.js';
import { asModelManifest } from '../../ml/bert/manifest.js';
import {
  ablationOrder,
  asAblationManifest,
  asSignalsManifest,
  bottomUp,
  makeScores,
  orient,
  randomOrder,
  readCaptured,
  signalScores,
  topDown,
} from '../../ml/signals/index.js';
import { implement } from '../family.js';
import { ablationScoreNode, bottomUpNode, randomNode, signalNodes, signalOf, topDownNode } from '../score.js';

async function readWeights(ctx: NodeContext, refs: Record<string, TensorRef[]>, layers: readonly number[]): Promise<Map<number, Float32Array[]>> {
  const out = new Map<number, Float32Array[]>();
  for (const l of layers) {
    const list = refs[String(l)];
    if (!list) throw new NodeError(`${ctx.nodeId}: the capture holds no weights of layer ${l}`);
    const mats: Float32Array[] = [];
    for (const ref of list) {
      const t = await ctx.getTensor(ref);
      if (!(t.data instanceof Float32Array)) throw new NodeError(`${ctx.nodeId}: weight tensor of layer ${l} is ${t.dtype}, expected F32`);
      mats.push(t.data);
    }
    out.set(l, mats);
  }
  return out;
}

/** Layers to order for a baseline: from a capture, or from the model's kept layers. */
function baselineLayers(ctx: NodeContext, inputs: NodeInputs): number[] {
  const layers = inputs.optional('signals', asSignalsManifest)?.layers ?? inputs.optional('model', asModelManifest)?.layers;
  if (!layers) throw new NodeError(`${ctx.nodeId}: give it a model (with: model: \${...}) or a signals capture (signals: \${...})`);
  return layers;
}

export default [
  ...signalNodes.map((decl) =>
    implement(decl, async (ctx, p, inputs) => {
      const name = signalOf(decl);
      const m = inputs.one('signals', asSignalsManifest);
      const stats = await readCaptured(ctx, m, { vectors: name === 'task-relevance-mi' || name === 'flow-relevance-mi' });
      const weights = name.startsWith('weight-') ? await readWeights(ctx, m.weights, m.layers) : undefined;
      const scores = signalScores(name, stats, p, weights ? (l) => weights.get(l) ?? [] : undefined);
      return { scores: makeScores(name, m.layers, orient(scores, p.direction, m.layers), { ...p }) };
    }),
  ),
  implement(randomNode, async (ctx, p, inputs) => {
    const layers = baselineLayers(ctx, inputs);
    return { scores: makeScores('random', layers, randomOrder(layers, p.seed), p) };
  }),
  implement(topDownNode, async (ctx, _p, inputs) => {
    const layers = baselineLayers(ctx, inputs);
    return { scores: makeScores('top-down', layers, topDown(layers), {}) };
  }),
  implement(bottomUpNode, async (ctx, _p, inputs) => {
    const layers = baselineLayers(ctx, inputs);
    return { scores: makeScores('bottom-up', layers, bottomUp(layers), {}) };
  }),
  implement(ablationScoreNode, async (_ctx, _p, inputs) => {
    const a = inputs.one('ablation', asAblationManifest);
    return { scores: makeScores('ablation', a.layers, ablationOrder(a.drops, a.layers), { split: a.split }) };
  }),
];
