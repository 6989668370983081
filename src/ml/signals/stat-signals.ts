/**
 * Signals that are plain means of captured sums (activations, attention, gradients).
 */
import type { CapturedStats } from './captured.js';
import { SignalInputError } from './types.js';

function perLayer(sums: Float64Array, denom: number): number[] {
  if (!(denom > 0)) throw new SignalInputError('no valid tokens in the calibration sample');
  return Array.from(sums, (s) => s / denom);
}

/** Mean abs(h(l)) over valid tokens and hidden units. */
export function activationIntensity(c: CapturedStats): number[] {
  return perLayer(c.actAbsSum, c.tokens * c.hidden);
}

/** Mean h(l)^2 over valid tokens and hidden units. */
export function activationEnergy(c: CapturedStats): number[] {
  return perLayer(c.actSqSum, c.tokens * c.hidden);
}

/** Fraction of negative entries of the layer output (`output`) or of the FFN pre-activation (`ffn`). */
export function activationInhibition(c: CapturedStats, tensor: 'output' | 'ffn'): number[] {
  return tensor === 'output' ? perLayer(c.actNegCount, c.tokens * c.hidden) : perLayer(c.ffnNegCount, c.tokens * c.intermediate);
}

/** Mean over examples, heads and valid queries of the largest attention probability of the row. */
export function attentionWeight(c: CapturedStats): number[] {
  return perLayer(c.attnMaxSum, c.tokens * c.heads);
}

/** Mean over examples, heads and valid queries of the attention row's entropy over valid keys. */
export function attentionEntropy(c: CapturedStats): number[] {
  return perLayer(c.attnEntropySum, c.tokens * c.heads);
}

function batchMean(moments: Float64Array, batches: number, layers: number): number[] {
  if (batches < 1) throw new SignalInputError('no gradient batches captured');
  if (moments.length !== batches * layers) throw new SignalInputError(`gradient moments hold ${moments.length} values, expected ${batches}x${layers}`);
  const out = new Array<number>(layers).fill(0);
  for (let b = 0; b < batches; b++) for (let l = 0; l < layers; l++) out[l]! += moments[b * layers + l] as number;
  return out.map((s) => s / batches);
}

/** Mean abs gradient of the batch-mean loss over the layer's parameters, averaged over batches. */
export function gradientMagnitudes(c: CapturedStats): number[] {
  return batchMean(c.gradAbsMean, c.batches, c.layers.length);
}

/** Empirical Fisher diagonal: mean squared batch gradient over the layer's parameters, averaged over batches. */
export function gradientFisher(c: CapturedStats): number[] {
  return batchMean(c.gradSqMean, c.batches, c.layers.length);
}

/** Mean |g| and mean g^2 over a layer's parameter gradients (all of them: weights, biases, LayerNorm). */
export function gradientMoments(grads: ReadonlyArray<ArrayLike<number>>): { absMean: number; sqMean: number } {
  let n = 0;
  let a = 0;
  let s = 0;
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      const v = g[i] as number;
      if (!Number.isFinite(v)) throw new SignalInputError(`gradient entry ${i} is ${v}`);
      a += Math.abs(v);
      s += v * v;
    }
    n += g.length;
  }
  if (n === 0) throw new SignalInputError('a layer with no parameters');
  return { absMean: a / n, sqMean: s / n };
}
