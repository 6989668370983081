/**
 * `prune/ablation`: the single-layer ablation drop acc(full) - acc(full without l) of every kept
 * layer on the validation split (METHOD.md: the fusion target; never the test split by default),
 * through the memoized evaluations of eval-memo.ts, so an ablated subset evaluated elsewhere
 * (a pruning curve reaching the same layers) is computed once.
 */
import { asModelManifest } from './model-artifact.js';
import { ABLATION_FORMAT, type AblationManifest } from './score.js';
import { asNodeError } from './signals.js';
import { NodeError, type Artifact, type JsonSchema, type NodeType } from './types.js';

export interface AblationParams {
  split?: string;
  batch?: number;
}

const params: Record<string, JsonSchema> = {
  split: { enum: ['validation', 'train', 'calibration', 'test'], default: 'validation', description: 'Split the accuracies are measured on (validation: never choose test for a fusion target).' },
  batch: { type: 'integer', minimum: 1, default: 32, description: 'Examples per evaluation forward (does not change the result).' },
};

export const ablationNode: NodeType<AblationParams> = {
  type: 'prune/ablation',
  version: 1,
  description: 'Single-layer ablation: accuracy of the model without each layer in turn, and the drop from the full model (the fusion target).',
  params,
  inputs: {
    model: { type: 'model', description: 'The unpruned classifier (its kept layers are ablated one at a time).' },
    data: { type: 'dataset', description: 'The dataset; the validation split is read (see `split`).' },
  },
  outputs: { ablation: { type: 'ablation', description: 'accuracy_full, accuracies without each layer, drops.' } },
  worker: true,
  async run(ctx, p, inputs) {
    const model = asModelManifest(inputs.model, ctx.nodeId);
    const data = inputs.data as Artifact | Artifact[] | undefined;
    if (data === undefined || Array.isArray(data) || data.type !== 'dataset') throw new NodeError(`${ctx.nodeId}: input data must be one dataset`);
    const split = (p.split ?? 'validation') as 'validation' | 'train' | 'calibration' | 'test';
    const { evaluateMemo, releaseEvalCache } = await import('./eval-memo.js');
    const { singleLayerAblation } = await import('../ml/signals/index.js');
    try {
      const total = model.layers.length + 1;
      let done = 0;
      const r = await singleLayerAblation(model.layers, async (kept) => {
        const e = await evaluateMemo(ctx, model, data, split, kept, { batchSize: p.batch ?? 32 });
        ctx.progress({ done: ++done, total, message: `ablation ${split}` });
        return e.accuracy;
      });
      ctx.log(`${split}: full ${r.accuracyFull.toFixed(4)}; drops ${r.layers.map((l, i) => `${l}:${(r.drops[i] as number).toFixed(4)}`).join(' ')}`);
      const out: AblationManifest = { format: ABLATION_FORMAT, split, layers: r.layers, accuracy_full: r.accuracyFull, accuracies: r.accuracies, drops: r.drops };
      return { ablation: out };
    } catch (err) {
      asNodeError(err, ctx.nodeId);
    } finally {
      releaseEvalCache();
    }
  },
};

export const pruneNodes: ReadonlyArray<NodeType<never>> = [ablationNode] as unknown as ReadonlyArray<NodeType<never>>;
