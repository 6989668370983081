/**
 * The `signals` artifact: what one capture pass kept (captured.ts), stored as tensors, plus the
 * TensorRefs of each layer's six weight matrices copied from the model manifest (the store is
 * content-addressed, so this costs nothing; the weight scores read them directly).
 */
import { InputError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { TensorRef } from '../../artifacts/types.js';
import { checkFinite } from './capture.js';
import { SUM_COLUMNS, sumColumns, type CapturedStats } from './captured.js';

export const SIGNALS_FORMAT = 'layerfuse/signals@1';

export interface SignalsManifest {
  format: typeof SIGNALS_FORMAT;
  /** Kept layers scored (original 0-based ids, forward order). */
  layers: number[];
  /** The split captured (calibration unless overridden). */
  split: string;
  n: number;
  hidden: number;
  intermediate: number;
  heads: number;
  tokens: number;
  batch: number;
  batches: number;
  eps: number;
  groups: string[];
  /** I32 [n]: class id per example. */
  labels: TensorRef;
  /** F64 [L, 6]: per layer sums of |h|, h^2, h<0, ffn<0, max attention, attention entropy (SUM_COLUMNS). */
  sums: TensorRef;
  /** F64 [batches, L, 2]: mean |g| and mean g^2 per batch and layer (with `gradients`). */
  gradients?: TensorRef;
  /** F32 [L + 1, n, H]: mean-pooled and [CLS] vectors per example at each depth (with `hidden`). */
  pooled?: TensorRef;
  cls?: TensorRef;
  /** Per layer id: the six weight matrices (HF [out, in] layout), refs into the model's blobs. */
  weights: Record<string, TensorRef[]>;
}

export function asSignalsManifest(value: unknown, what = 'signals'): SignalsManifest {
  const m = value as Partial<SignalsManifest> | null;
  if (!m || m.format !== SIGNALS_FORMAT || !Array.isArray(m.layers)) throw new InputError(`${what}: not a ${SIGNALS_FORMAT} manifest`);
  return m as SignalsManifest;
}

/** Store captured statistics as tensors; the inverse of `readCaptured`. */
export async function storeCaptured(
  ctx: Pick<NodeContext, 'putTensor'>,
  s: CapturedStats,
  extra: { split: string; batch: number; weights: Record<string, TensorRef[]> },
): Promise<SignalsManifest> {
  const L = s.layers.length;
  const sums = new Float64Array(L * 6);
  for (let k = 0; k < L; k++) SUM_COLUMNS.forEach((c, j) => (sums[k * 6 + j] = s[c][k] as number));
  const m: SignalsManifest = {
    format: SIGNALS_FORMAT,
    layers: [...s.layers],
    split: extra.split,
    n: s.n,
    hidden: s.hidden,
    intermediate: s.intermediate,
    heads: s.heads,
    tokens: s.tokens,
    batch: extra.batch,
    batches: s.batches,
    eps: s.eps,
    groups: [...s.groups],
    labels: await ctx.putTensor({ dtype: 'I32', shape: [s.n], data: Int32Array.from(s.labels) }),
    sums: await ctx.putTensor({ dtype: 'F64', shape: [L, 6], data: sums }),
    weights: extra.weights,
  };
  if (s.batches > 0) {
    const g = new Float64Array(s.batches * L * 2);
    for (let i = 0; i < s.batches * L; i++) {
      g[2 * i] = s.gradAbsMean[i] as number;
      g[2 * i + 1] = s.gradSqMean[i] as number;
    }
    m.gradients = await ctx.putTensor({ dtype: 'F64', shape: [s.batches, L, 2], data: g });
  }
  if (s.pooled.length > 0) {
    const stack = (vs: Float32Array[]): Float32Array => {
      const out = new Float32Array((L + 1) * s.n * s.hidden);
      vs.forEach((v, d) => out.set(v, d * s.n * s.hidden));
      return out;
    };
    m.pooled = await ctx.putTensor({ dtype: 'F32', shape: [L + 1, s.n, s.hidden], data: stack(s.pooled) });
    m.cls = await ctx.putTensor({ dtype: 'F32', shape: [L + 1, s.n, s.hidden], data: stack(s.cls) });
  }
  return m;
}

/** Captured statistics back from the store; `vectors` also reads the pooled and [CLS] vectors. */
export async function readCaptured(ctx: Pick<NodeContext, 'getTensor'>, m: SignalsManifest, opts: { vectors?: boolean } = {}): Promise<CapturedStats> {
  const L = m.layers.length;
  const gradAbs = new Float64Array(m.batches * L);
  const gradSq = new Float64Array(m.batches * L);
  if (m.gradients) {
    const g = (await ctx.getTensor(m.gradients)).data as Float64Array;
    for (let i = 0; i < m.batches * L; i++) {
      gradAbs[i] = g[2 * i] as number;
      gradSq[i] = g[2 * i + 1] as number;
    }
  }
  const unstack = async (ref: TensorRef | undefined): Promise<Float32Array[]> => {
    if (!opts.vectors || !ref) return [];
    const d = (await ctx.getTensor(ref)).data as Float32Array;
    const size = m.n * m.hidden;
    return Array.from({ length: L + 1 }, (_, k) => d.subarray(k * size, (k + 1) * size));
  };
  const stats: CapturedStats = {
    layers: [...m.layers],
    n: m.n,
    hidden: m.hidden,
    intermediate: m.intermediate,
    heads: m.heads,
    labels: (await ctx.getTensor(m.labels)).data as Int32Array,
    tokens: m.tokens,
    ...sumColumns((await ctx.getTensor(m.sums)).data as Float64Array, L),
    pooled: await unstack(m.pooled),
    cls: await unstack(m.cls),
    batches: m.gradients ? m.batches : 0,
    gradAbsMean: gradAbs,
    gradSqMean: gradSq,
    eps: m.eps,
    groups: [...m.groups],
  };
  checkFinite(stats);
  return stats;
}
