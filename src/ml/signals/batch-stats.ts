/**
 * Reductions of one batch's forward captures to what the signals need, on the tensor backend
 * (only small results are read back): per kept layer the sums over valid tokens of |h|, h^2 and
 * negatives of the layer output, negatives of the FFN pre-activation, the attention rows'
 * largest probability and entropy, and per-example mean-pooled and [CLS] vectors at each depth.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readBack } from '../read-back.js';
import { sumTensors } from '../sum-tensors.js';

export interface BatchCaptures {
  /** [B, S] attention mask (1 = valid token). */
  mask: Int32Array;
  batchSize: number;
  seqLen: number;
  /** hidden[0] = embedding output, hidden[k + 1] = output of the k-th kept layer, [B, S, H]. */
  hidden?: tf.Tensor3D[];
  /** Per kept layer [B, S, intermediate]. */
  ffnPre?: tf.Tensor3D[];
  /** Per kept layer [B, heads, S, S]. */
  attention?: tf.Tensor4D[];
}

/** Column order of `BatchStats.sums` rows. */
export const SUM_COLUMNS = ['actAbs', 'actSq', 'actNeg', 'ffnNeg', 'attnMax', 'attnEntropy'] as const;

export interface BatchStats {
  /** Valid tokens in the batch. */
  tokens: number;
  /** [K, 6] row-major, columns SUM_COLUMNS (0 where the capture was not requested). */
  sums: Float32Array;
  /** [K + 1, B, H] mean over valid tokens per example, and the [CLS] (position 0) vector. */
  pooled?: Float32Array;
  cls?: Float32Array;
}

/** Sum of a masked [B, S, X] tensor: over X first, then tokens (two stages keep float32 error small). */
function maskedSum(x: tf.Tensor, m3: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(tf.sum(x, 2, true), m3));
}

export async function batchStats(c: BatchCaptures, eps: number, layers: number): Promise<BatchStats> {
  const { batchSize: B, seqLen: S } = c;
  let tokens = 0;
  for (const v of c.mask) tokens += v;
  // The reductions run in one tidy; its few small results are read back after it with data()
  // (WebGPU in Node has no synchronous read).
  const results = tf.tidy(() => {
    const m2 = tf.tensor2d(c.mask, [B, S], 'float32');
    const m3 = tf.reshape(m2, [B, S, 1]);
    const zero = tf.scalar(0);
    const rows: tf.Tensor[] = [];
    for (let k = 0; k < layers; k++) {
      const h = c.hidden?.[k + 1];
      const f = c.ffnPre?.[k];
      const a = c.attention?.[k];
      const cols: tf.Scalar[] = [
        h ? maskedSum(tf.abs(h), m3) : zero,
        h ? maskedSum(tf.square(h), m3) : zero,
        h ? maskedSum(tf.cast(tf.less(h, 0), 'float32'), m3) : zero,
        f ? maskedSum(tf.cast(tf.less(f, 0), 'float32'), m3) : zero,
      ];
      if (a) {
        const qm = tf.reshape(m2, [B, 1, S]);
        const km = tf.reshape(m2, [B, 1, 1, S]);
        cols.push(tf.sum(tf.mul(tf.max(a, 3), qm)));
        const ent = tf.neg(tf.sum(tf.mul(tf.mul(a, tf.log(tf.add(a, eps))), km), 3));
        cols.push(tf.sum(tf.mul(ent, qm)));
      } else {
        cols.push(zero, zero);
      }
      rows.push(tf.stack(cols));
    }
    const out: tf.Tensor[] = [rows.length ? tf.stack(rows) : tf.zeros([0, 6])];
    if (c.hidden && c.hidden.length > 0) {
      const counts = tf.maximum(tf.sum(m2, 1, true), 1);
      const H = c.hidden[0]!.shape[2];
      out.push(tf.stack(c.hidden.map((h) => tf.div(tf.sum(tf.mul(h, m3), 1), counts))));
      out.push(tf.stack(c.hidden.map((h) => tf.reshape(tf.slice(h, [0, 0, 0], [B, 1, H]), [B, H]))));
    }
    return out;
  });
  try {
    const [sums, pooled, cls] = (await Promise.all(results.map((t) => readBack(t)))) as Float32Array[];
    const out: BatchStats = { tokens, sums: Float32Array.from(sums!) };
    if (pooled && cls) {
      out.pooled = Float32Array.from(pooled);
      out.cls = Float32Array.from(cls);
    }
    return out;
  } finally {
    for (const t of results) t.dispose();
  }
}

/**
 * Mean |g| and mean g^2 over each kept layer's parameter gradients (all of them: weights,
 * biases, LayerNorm), from a map HF name -> gradient. One read-back for all layers.
 */
export async function layerGradientMoments(grads: ReadonlyMap<string, tf.Tensor>, layers: readonly number[]): Promise<{ absMean: Float64Array; sqMean: Float64Array }> {
  const counts = new Float64Array(layers.length);
  const sumsT = tf.tidy(() => {
    const rows = layers.map((l, k) => {
      const prefix = `bert.encoder.layer.${l}.`;
      const mine = [...grads].filter(([name]) => name.startsWith(prefix)).map(([, g]) => g);
      if (mine.length === 0) throw new Error(`no gradients for encoder layer ${l}`);
      counts[k] = mine.reduce((s, g) => s + g.size, 0);
      return tf.stack([sumTensors(mine.map((g) => tf.sum(tf.abs(g)))), sumTensors(mine.map((g) => tf.sum(tf.square(g))))]);
    });
    return tf.stack(rows);
  });
  let sums: Float32Array;
  try {
    sums = (await readBack(sumsT)) as Float32Array;
  } finally {
    sumsT.dispose();
  }
  const absMean = new Float64Array(layers.length);
  const sqMean = new Float64Array(layers.length);
  for (let k = 0; k < layers.length; k++) {
    absMean[k] = (sums[2 * k] as number) / (counts[k] as number);
    sqMean[k] = (sums[2 * k + 1] as number) / (counts[k] as number);
  }
  return { absMean, sqMean };
}
