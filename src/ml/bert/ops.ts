/**
 * The few tensor ops BERT needs, written so that both the forward and the backward pass use
 * plain (untransposed) matMuls: on TF.js WASM a transposed matMul is 14-40x slower than a plain
 * one plus an explicit transpose, and autodiff's matMul gradient uses the transposed forms.
 */
import * as tf from '@tensorflow/tfjs-core';
// Op gradients are registered only by the umbrella package (tfjs-core's own
// register_all_gradients is an ESM file with extensionless imports that Node cannot load).
// Registries and the engine are process-global, so this serves our tfjs-core import too.
import '@tensorflow/tfjs';
import { fillKeepMask, streamSeed } from '../data/rng.js';
import { heapBackend } from '../wasm-heap.js';

/** Swap the last two axes (explicit transpose, cheap next to a transposed matMul). */
export function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(x, perm);
}

/** Copy the m×k row-major matrix at src[off..] into dst as its k×m transpose. */
function transposeInto(src: Float32Array, off: number, m: number, k: number, dst: Float32Array): void {
  for (let i = 0; i < m; i++) {
    const row = off + i * k;
    for (let j = 0; j < k; j++) dst[j * m + i] = src[row + j]!;
  }
}

/**
 * a · b over the last two axes, optionally with either operand's last two axes swapped first
 * (`transposeA`, `transposeB`).
 *
 * On TF.js WASM a batched matMul (rank > 2, e.g. attention's [B, heads, S, d] x [B, heads, d, S])
 * takes a scalar loop instead of XNNPACK: 4-8x slower than the same work as 2D matMuls, and its
 * transposed forms 14-40x. Slicing the batch out with tf.slice/unstack/gather is no way round it
 * there (WASM's slice copies the whole input per call), so the matrices are read out once and
 * each product runs as a plain 2D matMul on uploaded slices; a transposed operand is transposed
 * per matrix in JS while it is sliced out (cheaper than WASM's Transpose kernel on the whole
 * tensor), and each product is read back through a heap view. Other backends batch well and
 * get tf.matMul.
 */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  const r = a.rank;
  const heap = heapBackend();
  if (!heap || a.dtype !== 'float32' || b.dtype !== 'float32') return tf.matMul(a, b, transposeA, transposeB);
  // WASM, 2D (or mismatched ranks): explicit transposes and a plain matMul.
  const plain = (): tf.Tensor => tf.tidy(() => tf.matMul(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b));
  if (r <= 2 || b.rank !== r) return plain();
  const [ar, ac] = [a.shape[r - 2]!, a.shape[r - 1]!];
  const [br, bc] = [b.shape[r - 2]!, b.shape[r - 1]!];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  const count = a.size / (m * k);
  if (kb !== k || b.size / (k * n) !== count) return plain();
  const av = a.dataSync() as Float32Array;
  const bv = b.dataSync() as Float32Array;
  const out = new Float32Array(count * m * n);
  const aT = transposeA ? new Float32Array(m * k) : undefined;
  const bT = transposeB ? new Float32Array(k * n) : undefined;
  for (let i = 0; i < count; i++) {
    if (aT) transposeInto(av, i * m * k, k, m, aT);
    if (bT) transposeInto(bv, i * k * n, n, k, bT);
    const ta = tf.tensor2d(aT ?? av.subarray(i * m * k, (i + 1) * m * k), [m, k]);
    const tb = tf.tensor2d(bT ?? bv.subarray(i * k * n, (i + 1) * k * n), [k, n]);
    const p = tf.matMul(ta, tb);
    out.set(heap.typedArrayFromHeap(p) as Float32Array, i * m * n);
    ta.dispose();
    tb.dispose();
    p.dispose();
  }
  return tf.tensor(out, [...a.shape.slice(0, -2), m, n], 'float32');
}

/**
 * Column sums of a 2D tensor (its sum over axis 0). On WASM a JS loop over a heap view,
 * accumulating in float64: WASM's Sum over a non-last axis transposes its input first, 4 ms for
 * [4096, 128] where the loop takes under 1 ms.
 */
export function sumRows(t: tf.Tensor): tf.Tensor {
  const heap = heapBackend();
  if (!heap || t.rank !== 2 || t.dtype !== 'float32') return tf.sum(t, 0);
  const [rows, cols] = t.shape as [number, number];
  const acc = new Float64Array(cols);
  const v = heap.typedArrayFromHeap(t) as Float32Array;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) acc[c]! += v[off + c]!;
  }
  return tf.tensor1d(Float32Array.from(acc), 'float32');
}

/**
 * a · b over the last two axes (rank 2, 3 or 4 with equal batch axes), with a custom gradient:
 * dA = dY · bᵀ, dB = aᵀ · dY through batchMatMul (on WASM: plain matMuls on transposed
 * copies, never the slow transposed kernels). Used by the head (pooler, classifier); encoder
 * layers have their own backward (layer.ts). The gradient runs
 * in its own tidy: TF.js frees a custom gradient's intermediates only when the whole backward
 * ends, and the transposed copies would otherwise pile up over every layer.
 */
export const mm = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: batchMatMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return tf.tidy(() => [batchMatMul(dy, sb, false, true), batchMatMul(sa, dy, true, false)]);
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x [N, in] · kernel [in, out] + bias [out]. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.add(mm(x, kernel), bias) as tf.Tensor2D;
}

/** LayerNorm statistics over the last axis (biased variance, eps inside the root, as torch). */
export function normalize(x: tf.Tensor, eps: number): { xhat: tf.Tensor; rstd: tf.Tensor } {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  return { xhat: tf.mul(tf.sub(x, mean), rstd), rstd };
}

/** LayerNorm backward: dx from dy, the saved x̂ and 1/σ, and γ. */
export function normalizeGrad(dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
  const dxhat = tf.mul(dy, gamma);
  const m1 = tf.mean(dxhat, -1, true);
  const m2 = tf.mean(tf.mul(dxhat, xhat), -1, true);
  return tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(xhat, m2)), rstd);
}

/**
 * LayerNorm over the last axis with a hand-written gradient that saves only the normalized
 * input and 1/σ: autodiff of the moments formulation keeps several full-size intermediates per
 * call, which bert-base training cannot afford inside WASM's 4 GiB.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { xhat, rstd } = normalize(xi, eps);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      // Own tidy: see mm (its intermediates would live until the backward ends).
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const [sx, sr, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const rows = [-1, sx.shape[sx.rank - 1]!];
        const dg = sumRows(tf.reshape(tf.mul(dy, sx), rows));
        const db = sumRows(tf.reshape(dy, rows));
        return [normalizeGrad(dy, sx, sr, sg), dg, db];
      }),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Φ(x) = 0.5·(1 + erf(x/√2)): exact GELU is x·Φ(x) (HF "gelu"; not the tanh approximation). */
export function geluCdf(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
}

/**
 * e^z for z <= 0 as σ(z)/(1 − σ(z)): WASM's Sigmoid is XNNPACK's vectorized kernel and its Exp
 * a scalar loop, 3x slower even with the two extra ops (relative error 4e-7: no cancellation,
 * 1 − σ(z) >= 0.5 there).
 */
function expNonPositive(z: tf.Tensor): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.exp(z);
  const s = tf.sigmoid(z);
  return tf.div(s, tf.sub(1, s));
}

/** d gelu / dx = Φ(x) + x·φ(x), from x and the Φ(x) of the forward (no second erf). */
export function geluGradFromCdf(x: tf.Tensor, cdf: tf.Tensor): tf.Tensor {
  const pdf = tf.mul(expNonPositive(tf.mul(tf.square(x), -0.5)), INV_SQRT_2PI);
  return tf.add(cdf, tf.mul(x, pdf));
}

/**
 * Seeded dropout source: call k of a source seeded s draws its mask from the mulberry32 stream
 * (s, 'dropout', k) of data/rng.ts, so every forward with the same seed drops the same units.
 *
 * The mask is drawn in JS rather than with tf.dropout: TF.js's random ops run its seedrandom
 * generator per value, ~75 ms for one layer's masks at the default model's shape (13% of a
 * training step there); fillKeepMask takes a few.
 */
export class DropoutRng {
  private calls = 0;
  constructor(private readonly seed: number) {}

  apply<T extends tf.Tensor>(x: T, rate: number): T {
    const m = this.mask(x.shape, rate);
    if (!m) return x;
    const y = tf.mul(x, m) as T;
    m.dispose();
    return y;
  }

  /** The multiplier (0 or 1/keep per unit), or null when the rate is 0. */
  mask(shape: number[], rate: number): tf.Tensor | null {
    if (rate <= 0) return null;
    if (!(rate < 1)) throw new Error(`dropout rate ${rate} outside [0, 1)`);
    this.calls += 1;
    const out = new Float32Array(shape.reduce((x, y) => x * y, 1));
    fillKeepMask(out, streamSeed(this.seed, 'dropout', this.calls), rate, 1 / (1 - rate));
    return tf.tensor(out, shape, 'float32');
  }
}

/**
 * table[ids] for a 2D float table. On WASM the rows are copied in JS from a view of the heap:
 * WASM's Gather kernel took 26-28 ms for 4,096 rows of 128 (7% of the default model's forward),
 * the copy 4-5 ms.
 */
function gatherRows(table: tf.Tensor, ids: tf.Tensor1D): tf.Tensor {
  const heap = heapBackend();
  if (!heap || table.rank !== 2 || table.dtype !== 'float32') return tf.gather(table, ids);
  const [rows, width] = table.shape as [number, number];
  const idx = ids.dataSync();
  for (const id of idx) if (!(id >= 0 && id < rows)) throw new Error(`embedding lookup: id ${id} outside 0..${rows - 1}`);
  const out = new Float32Array(idx.length * width);
  // The view is taken after the last TF.js call and used before the next (see wasm-heap.ts).
  const view = heap.typedArrayFromHeap(table) as Float32Array;
  for (let i = 0; i < idx.length; i++) out.set(view.subarray(idx[i]! * width, (idx[i]! + 1) * width), i * width);
  return tf.tensor2d(out, [idx.length, width], 'float32');
}

/**
 * Embedding lookup rows = table[ids]. Its gradient scatters-adds dY into the table's shape with
 * ScatterNd (summing repeated ids): autodiff's gather gradient needs UnsortedSegmentSum, which
 * the WASM backend lacks.
 */
export function embed(table: tf.Tensor, ids: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // Saved, not closed over: the forward's scope disposes `ids` before the backward runs.
    save([ids]);
    return {
      value: gatherRows(t, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sid = saved[0] as tf.Tensor1D;
        return tf.scatterND(tf.reshape(sid, [sid.shape[0], 1]), dy, t.shape);
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return f(table) as tf.Tensor2D;
}
