/**
 * Equal-width binning, histogram entropy and mutual information (docs/method.md "The twelve
 * signals"). Written here rather than taken from a library because the exact edge rule is part of
 * the method: bin = floor((x - min) / (max - min) * B), clipped to B - 1 (so the maximum falls in
 * the last bin); a constant column is a single bin. Natural logarithms throughout.
 */
import { SignalInputError } from './types.js';

type Numbers = ArrayLike<number>;

/** Min and max of `x[offset + k*stride]`, k < n. */
function range(x: Numbers, n: number, offset: number, stride: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[offset + k * stride] as number;
    if (Number.isNaN(v)) throw new SignalInputError(`NaN at position ${offset + k * stride}`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Bin ids (0..bins-1) of a strided column (`x[offset + k*stride]`, k < n) with the docs/method.md
 * rule; `out` is reused when given.
 */
export function binColumn(x: Numbers, bins: number, n = x.length, offset = 0, stride = 1, out?: Int32Array): Int32Array {
  if (!Number.isInteger(bins) || bins < 1) throw new SignalInputError(`bins must be a positive integer, got ${bins}`);
  const ids = out ?? new Int32Array(n);
  const [lo, hi] = range(x, n, offset, stride);
  const width = hi - lo;
  if (!(width > 0)) {
    ids.fill(0, 0, n);
    return ids;
  }
  for (let k = 0; k < n; k++) {
    const b = Math.floor((((x[offset + k * stride] as number) - lo) / width) * bins);
    ids[k] = b >= bins ? bins - 1 : b;
  }
  return ids;
}

/** Shannon entropy (nats) of the B-bin equal-width histogram of `x` over [min, max]. */
export function histogramEntropy(x: Numbers, bins: number): number {
  if (x.length === 0) throw new SignalInputError('histogram of an empty sample');
  const counts = new Float64Array(bins);
  const ids = binColumn(x, bins);
  for (let k = 0; k < ids.length; k++) counts[ids[k] as number]! += 1;
  return entropyOfCounts(counts, x.length);
}

/** Entropy (nats) of the distribution counts/total. */
export function entropyOfCounts(counts: Numbers, total: number): number {
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log(p);
    }
  }
  return h;
}

/**
 * Mutual information (nats) of two discrete variables from their empirical joint frequencies:
 * sum over (a, b) of p(a,b) ln(p(a,b) / (p(a) p(b))). `a` takes values 0..na-1, `b` 0..nb-1.
 */
export function mutualInformation(a: ArrayLike<number>, na: number, b: ArrayLike<number>, nb: number, n = a.length): number {
  if (b.length < n || a.length < n) throw new SignalInputError(`mutual information: lengths ${a.length} and ${b.length} differ`);
  if (n === 0) throw new SignalInputError('mutual information of an empty sample');
  const joint = new Float64Array(na * nb);
  const pa = new Float64Array(na);
  const pb = new Float64Array(nb);
  for (let k = 0; k < n; k++) {
    const i = a[k] as number;
    const j = b[k] as number;
    joint[i * nb + j]! += 1;
    pa[i]! += 1;
    pb[j]! += 1;
  }
  let mi = 0;
  for (let i = 0; i < na; i++) {
    const ci = pa[i] as number;
    if (ci === 0) continue;
    for (let j = 0; j < nb; j++) {
      const c = joint[i * nb + j] as number;
      if (c === 0) continue;
      mi += (c / n) * Math.log((c * n) / (ci * (pb[j] as number)));
    }
  }
  // Rounding can leave a tiny negative value for independent variables; MI is never negative.
  return mi > 0 ? mi : 0;
}
