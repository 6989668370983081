/**
 * The training loop: seeded batches per epoch, train-mode forward with seeded dropout, batch-
 * mean cross-entropy (or the caller's loss on the logits), global-norm clipping, AdamW with
 * linear warmup and decay. Deterministic: the same model, data and options give a
 * bitwise-identical loss sequence (on one backend).
 */
import type { Batch } from '../types.js';
import type { BertClassifier } from '../bert/model.js';
import { lossAndGrads } from '../bert/gradients.js';
import type { BatchLoss } from '../bert/loss.js';
import { isDecayed } from '../bert/names.js';
import { AdamW } from './adamw.js';
import { clipByGlobalNorm } from './clip.js';
import { linearWarmupDecay } from './schedule.js';
import { InputError } from '../../artifacts/errors.js';

/** The loss became NaN or infinite: a diverged run must not be stored. */
export class DivergedError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

export interface TrainProgress {
  /** Steps done (1-based after the first step). */
  step: number;
  total: number;
  epoch: number;
  /** Loss of the step just taken. */
  loss: number;
  lr: number;
}

export interface TrainOptions {
  epochs: number;
  /** Peak learning rate. */
  lr: number;
  /** AdamW decoupled weight decay (not on biases and LayerNorm weights). */
  weightDecay: number;
  /** Warmup as a fraction of all steps, in [0, 1). */
  warmup: number;
  /** Max global gradient norm; 0 or less: no clipping. */
  clip: number;
  /** Dropout seeds derive from it (batch order is the caller's, see `batches`). */
  seed: number;
  /** Override the config's dropout rates during training. */
  dropout?: number;
  /** Kept layers to train (default all held). */
  layers?: number[];
  /** The loss to minimise (default batch-mean cross-entropy; distillation passes its own). */
  loss?: BatchLoss;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  /** Loss of every step, in order. */
  losses: number[];
  steps: number;
  /** Mean loss of each epoch. */
  epochLoss: number[];
}

/**
 * Train `model` in place. `batches(epoch)` gives the (seeded, shuffled) batches of one epoch;
 * every epoch must have the same number of batches.
 */
export async function train(model: BertClassifier, batches: (epoch: number) => Batch[], opts: TrainOptions): Promise<TrainResult> {
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error(`epochs must be a positive integer, got ${opts.epochs}`);
  if (!(opts.lr > 0)) throw new Error(`lr must be > 0, got ${opts.lr}`);
  if (!(opts.warmup >= 0 && opts.warmup < 1)) throw new Error(`warmup is a fraction of the steps in [0, 1), got ${opts.warmup}`);
  if (!(opts.weightDecay >= 0)) throw new Error(`weight_decay must be >= 0, got ${opts.weightDecay}`);
  const layers = model.resolveLayers(opts.layers);
  let epochBatches = batches(0);
  const perEpoch = epochBatches.length;
  if (perEpoch === 0) throw new Error('training data gives no batches');
  const total = perEpoch * opts.epochs;
  const warmupSteps = Math.floor(opts.warmup * total);
  const optimizer = new AdamW(model.paramsFor(layers), { weightDecay: opts.weightDecay, decay: isDecayed });
  const losses: number[] = [];
  const epochLoss: number[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      if (epoch > 0) epochBatches = batches(epoch);
      if (epochBatches.length !== perEpoch) throw new Error(`epoch ${epoch} has ${epochBatches.length} batches, epoch 0 had ${perEpoch}`);
      let sum = 0;
      for (const batch of epochBatches) {
        if (opts.signal?.aborted) throw new Error('training aborted');
        const lr = opts.lr * linearWarmupDecay(step, total, warmupSteps);
        const r = await lossAndGrads(model, batch, {
          layers,
          training: true,
          seed: opts.seed * 1_000_003 + step,
          ...(opts.dropout !== undefined ? { dropout: opts.dropout } : {}),
          ...(opts.loss ? { loss: opts.loss } : {}),
        });
        r.forward.logits.dispose();
        if (!Number.isFinite(r.loss)) {
          for (const g of r.grads.values()) g.dispose();
          throw new DivergedError(`training diverged: loss ${r.loss} at step ${step + 1} (lower lr or enable clipping)`);
        }
        if (opts.clip > 0) await clipByGlobalNorm(r.grads, opts.clip);
        optimizer.step(r.grads, lr);
        for (const g of r.grads.values()) g.dispose();
        losses.push(r.loss);
        sum += r.loss;
        step += 1;
        opts.onProgress?.({ step, total, epoch, loss: r.loss, lr });
        // Let the event loop breathe (progress output, abort signals) between steps.
        if (step % 8 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      epochLoss.push(sum / perEpoch);
    }
  } finally {
    optimizer.dispose();
  }
  return { losses, steps: step, epochLoss };
}

