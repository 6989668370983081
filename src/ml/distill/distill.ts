/**
 * Knowledge distillation of a pruned student from its unpruned teacher, on the training loop of
 * src/ml/train with the distillation loss plugged in: the same AdamW, warmup and decay,
 * clipping, seeded dropout and batch order as model/train, so a control run (alpha = 0, hard
 * labels only) with the same options takes exactly the same steps on the same batches.
 */
import type { BertClassifier } from '../bert/model.js';
import { makeBatches, type IndexedBatch } from '../data/batches.js';
import { bertLogits } from '../eval/bert-logits.js';
import { runSplit } from '../eval/runner.js';
import { train, type TrainOptions, type TrainResult } from '../train/loop.js';
import type { EncodedSplit } from '../types.js';
import { checkDistillParams, distillationLossFn, type DistillLossParams } from './loss.js';

/** The teacher's eval-mode logits over a split, [numExamples, C] in example order. */
export async function teacherLogits(teacher: BertClassifier, encoded: EncodedSplit, o: { batchSize: number; padTokenId?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<Float32Array> {
  const out = await runSplit(bertLogits(teacher), encoded, {
    batchSize: o.batchSize,
    numLabels: teacher.config.numLabels,
    ...(o.padTokenId !== undefined ? { padTokenId: o.padTokenId } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  return out.logits;
}

/**
 * The batches of every distillation run (the distilled student and its control alike):
 * length-bucketed, a seeded shuffle per epoch, as model/train's.
 */
export function distillBatches(encoded: EncodedSplit, batchSize: number, seed: number, padTokenId: number): (epoch: number) => IndexedBatch[] {
  return (epoch) => makeBatches(encoded, batchSize, { shuffleSeed: seed * 1009 + epoch, sortByLength: true, padTokenId });
}

export interface DistillOptions extends Omit<TrainOptions, 'loss'>, DistillLossParams {}

/**
 * Train `student` in place on `batches(epoch)` against the precomputed teacher logits. With
 * alpha = 0 the loss is plain cross-entropy (the control).
 */
export async function distill(student: BertClassifier, batches: (epoch: number) => IndexedBatch[], teacher: Float32Array, opts: DistillOptions): Promise<TrainResult> {
  checkDistillParams(opts);
  const { temperature, alpha, ...trainOpts } = opts;
  const loss = distillationLossFn(teacher, student.config.numLabels, { temperature, alpha });
  return train(student, batches, { ...trainOpts, loss });
}
