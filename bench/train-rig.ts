/**
 * One training step of the benches (train-step.ts, webgpu.ts): a seeded model of a bench shape,
 * a random batch, AdamW with weight decay on the decayed parameters, loss and gradients,
 * clipping at norm 1 and the update: what model/train does per step.
 */
import { BertClassifier } from '../src/ml/bert/model.js';
import { lossAndGrads } from '../src/ml/bert/gradients.js';
import { isDecayed } from '../src/ml/bert/names.js';
import { AdamW, clipByGlobalNorm } from '../src/ml/train/index.js';
import type { Batch } from '../src/ml/types.js';
import { configOf, randomBatch, type Shape } from './forward.js';

export interface TrainRig {
  model: BertClassifier;
  batch: Batch;
  /** One optimizer step on the batch (a new dropout seed each time). */
  step(): Promise<void>;
  dispose(): void;
}

export function trainRig(s: Shape): TrainRig {
  const model = BertClassifier.create(configOf(s), { seed: 1 });
  const batch = randomBatch(s);
  const opt = new AdamW(model.paramsFor(), { weightDecay: 0.01, decay: isDecayed });
  let seed = 0;
  return {
    model,
    batch,
    async step() {
      const r = await lossAndGrads(model, batch, { training: true, seed: seed++ });
      r.forward.logits.dispose();
      await clipByGlobalNorm(r.grads, 1);
      opt.step(r.grads, 1e-4);
      for (const g of r.grads.values()) g.dispose();
    },
    dispose() {
      opt.dispose();
      model.dispose();
    },
  };
}
