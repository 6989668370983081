/**
 * Weight-based signals (docs/method.md): computed over one layer's six weight matrices together
 * (Q, K, V, attention output, FFN in, FFN out; no biases, no LayerNorm).
 */
import { entropyOfCounts } from './binning.js';
import { SignalInputError } from './types.js';

/** The HF parameter-name suffixes (after `encoder.layer.<l>.`) of the six weight matrices. */
export const WEIGHT_MATRIX_SUFFIXES = [
  'attention.self.query.weight',
  'attention.self.key.weight',
  'attention.self.value.weight',
  'attention.output.dense.weight',
  'intermediate.dense.weight',
  'output.dense.weight',
] as const;

type Mats = ReadonlyArray<ArrayLike<number>>;

function checkFinite(mats: Mats): number {
  let n = 0;
  for (const m of mats) {
    for (let i = 0; i < m.length; i++) {
      if (!Number.isFinite(m[i])) throw new SignalInputError(`weight ${i} of a matrix is ${m[i]}`);
    }
    n += m.length;
  }
  if (n === 0) throw new SignalInputError('a layer with no weights');
  return n;
}

/** Frobenius norm of all the layer's weight matrices taken together. */
export function weightNorm(mats: Mats): number {
  checkFinite(mats);
  let s = 0;
  for (const m of mats) for (let i = 0; i < m.length; i++) s += (m[i] as number) * (m[i] as number);
  return Math.sqrt(s);
}

/** Fraction of the weights with abs(w) < tau. */
export function weightSparsity(mats: Mats, tau: number): number {
  if (!(tau >= 0)) throw new SignalInputError(`tau must be >= 0, got ${tau}`);
  const n = checkFinite(mats);
  let c = 0;
  for (const m of mats) for (let i = 0; i < m.length; i++) if (Math.abs(m[i] as number) < tau) c++;
  return c / n;
}

/** Entropy (nats) of the `bins`-bin equal-width histogram of all the weights over [min, max]. */
export function weightEntropy(mats: Mats, bins: number): number {
  if (!Number.isInteger(bins) || bins < 1) throw new SignalInputError(`bins must be a positive integer, got ${bins}`);
  const n = checkFinite(mats);
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of mats) {
    for (let i = 0; i < m.length; i++) {
      const v = m[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const counts = new Float64Array(bins);
  const width = hi - lo;
  if (!(width > 0)) return 0;
  for (const m of mats) {
    for (let i = 0; i < m.length; i++) {
      const b = Math.floor((((m[i] as number) - lo) / width) * bins);
      counts[b >= bins ? bins - 1 : b]! += 1;
    }
  }
  return entropyOfCounts(counts, n);
}
