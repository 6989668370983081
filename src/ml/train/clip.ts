/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_ semantics). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Scales every gradient by min(1, maxNorm / (norm + 1e-6)) in place of the map's tensors (the
 * old ones are disposed). Returns the norm before clipping.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
  if (!(maxNorm > 0) || !Number.isFinite(norm)) return norm;
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return norm;
  for (const [name, g] of grads) {
    grads.set(name, tf.mul(g, coef));
    g.dispose();
  }
  return norm;
}
