/**
 * The capture pass (docs/method.md, docs/design.md "Performance design"): one forward and, when
 * gradient signals are wanted, one backward per calibration batch, through the model's own
 * `lossAndGrads` (forward captures and gradients come from the same pass), reduced batch by batch
 * into `CapturedStats`. Batches are taken in the order given (the calibration sample's order),
 * because the gradient signals average per-batch gradients and so depend on grouping.
 */
import type { BertClassifier } from '../bert/model.js';
import { forward, disposeResult, type ForwardResult } from '../bert/forward.js';
import { lossAndGrads, disposeLossAndGrads } from '../bert/gradients.js';
import type { Batch } from '../types.js';
import { batchStats, layerGradientMoments } from './batch-stats.js';
import { sumColumns, type CapturedStats } from './captured.js';
import { CAPTURE_GROUPS, SignalInputError, type CaptureGroup } from './types.js';


export interface CaptureOptions {
  /** Inside ln(a + eps) of the attention entropy. */
  eps: number;
  /** What to keep; default all groups. Without `gradients` no backward pass runs. */
  groups?: readonly CaptureGroup[];
  /** Kept layers to score (default all the model holds). */
  layers?: readonly number[];
  onBatch?: (done: number, total: number) => void;
}

export async function captureStats(model: BertClassifier, batches: readonly Batch[], opts: CaptureOptions): Promise<CapturedStats> {
  const groups = new Set(opts.groups ?? CAPTURE_GROUPS);
  const layers = model.resolveLayers(opts.layers);
  const K = layers.length;
  const c = model.config;
  if (batches.length === 0) throw new SignalInputError('the calibration sample is empty');
  if (!(opts.eps >= 0)) throw new SignalInputError(`eps must be >= 0, got ${opts.eps}`);
  const n = batches.reduce((s, b) => s + b.batchSize, 0);
  const labels = new Int32Array(n);
  const sums = new Float64Array(K * 6);
  const pooled = groups.has('hidden') ? Array.from({ length: K + 1 }, () => new Float32Array(n * c.hiddenSize)) : [];
  const cls = groups.has('hidden') ? Array.from({ length: K + 1 }, () => new Float32Array(n * c.hiddenSize)) : [];
  const gradAbs: number[] = [];
  const gradSq: number[] = [];
  let tokens = 0;
  let row = 0;
  const capture = { hidden: groups.has('hidden'), attention: groups.has('attention'), ffnPre: groups.has('ffn') };
  for (const [bi, batch] of batches.entries()) {
    if (!batch.labels) throw new SignalInputError(`calibration batch ${bi} has no labels`);
    let fwd: ForwardResult;
    let release: () => void;
    if (groups.has('gradients')) {
      const r = await lossAndGrads(model, batch, { layers, capture });
      const m = await layerGradientMoments(r.grads, layers).catch((e: unknown) => {
        disposeLossAndGrads(r);
        throw e;
      });
      gradAbs.push(...m.absMean);
      gradSq.push(...m.sqMean);
      fwd = r.forward;
      release = () => disposeLossAndGrads(r);
    } else {
      fwd = forward(model, batch, { layers, capture });
      release = () => disposeResult(fwd);
    }
    try {
      const s = await batchStats(
        { mask: batch.attentionMask, batchSize: batch.batchSize, seqLen: batch.seqLen, hidden: fwd.hidden, ffnPre: fwd.ffnPre, attention: fwd.attention },
        opts.eps,
        K,
      );
      tokens += s.tokens;
      for (let i = 0; i < K * 6; i++) sums[i]! += s.sums[i] as number;
      const H = c.hiddenSize;
      const B = batch.batchSize;
      for (let d = 0; d <= K && s.pooled && s.cls; d++) {
        pooled[d]!.set(s.pooled.subarray(d * B * H, (d + 1) * B * H), row * H);
        cls[d]!.set(s.cls.subarray(d * B * H, (d + 1) * B * H), row * H);
      }
    } finally {
      release();
    }
    labels.set(batch.labels, row);
    row += batch.batchSize;
    opts.onBatch?.(bi + 1, batches.length);
  }
  const stats: CapturedStats = {
    layers: [...layers],
    n,
    hidden: c.hiddenSize,
    intermediate: c.intermediateSize,
    heads: c.numHeads,
    labels,
    tokens,
    ...sumColumns(sums, K),
    pooled,
    cls,
    batches: groups.has('gradients') ? batches.length : 0,
    gradAbsMean: Float64Array.from(gradAbs),
    gradSqMean: Float64Array.from(gradSq),
    eps: opts.eps,
    groups: [...groups],
  };
  checkFinite(stats);
  return stats;
}

/** A NaN or infinity anywhere in the captured statistics is an error naming the tensor and layer. */
export function checkFinite(s: CapturedStats): void {
  const named: Array<[string, ArrayLike<number>, number]> = [
    ['activation |h| sum', s.actAbsSum, 1],
    ['activation h^2 sum', s.actSqSum, 1],
    ['attention max sum', s.attnMaxSum, 1],
    ['attention entropy sum', s.attnEntropySum, 1],
    ['gradient mean |g|', s.gradAbsMean, 1],
    ['gradient mean g^2', s.gradSqMean, 1],
  ];
  s.pooled.forEach((p, d) => named.push([`mean-pooled vectors at depth ${d}`, p, s.hidden * s.n]));
  s.cls.forEach((p, d) => named.push([`[CLS] vectors at depth ${d}`, p, s.hidden * s.n]));
  for (const [name, arr] of named) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) {
        const where = name.startsWith('gradient') ? `batch ${Math.floor(i / s.layers.length)}, layer ${s.layers[i % s.layers.length]}` : name.includes('depth') ? `example ${Math.floor(i / s.hidden)}` : `layer ${s.layers[i]}`;
        throw new SignalInputError(`captured ${name} is ${arr[i]} at ${where} (NaN or infinity in the model's activations or gradients)`);
      }
    }
  }
}
