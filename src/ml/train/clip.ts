/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_ semantics). */
import * as tf from '@tensorflow/tfjs-core';
import { readBack } from '../read-back.js';
import { sumTensors } from '../sum-tensors.js';

/**
 * Scales every gradient by min(1, maxNorm / (norm + 1e-6)) in place of the map's tensors (the
 * old ones are disposed). Returns the norm before clipping (read with `data()`: WebGPU in Node
 * has no synchronous read).
 */
export async function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): Promise<number> {
  const normT = tf.tidy(() => tf.sqrt(sumTensors([...grads.values()].map((g) => tf.sum(tf.square(g))))));
  let norm: number;
  try {
    norm = (await readBack(normT))[0]!;
  } finally {
    normT.dispose();
  }
  if (!(maxNorm > 0) || !Number.isFinite(norm)) return norm;
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return norm;
  for (const [name, g] of grads) {
    grads.set(name, tf.mul(g, coef));
    g.dispose();
  }
  return norm;
}
