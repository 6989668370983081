/** Run body of `prune/ablation`. */
import { asModelManifest } from '../../ml/bert/manifest.js';
import { asDatasetManifest } from '../../ml/data/index.js';
import { ABLATION_FORMAT, singleLayerAblation, type AblationManifest } from '../../ml/signals/index.js';
import { implement } from '../family.js';
import { ablationNode } from '../prune.js';
import { evaluateMemo, releaseEvalCache } from './eval-memo.js';

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
];
