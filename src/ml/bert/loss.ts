/** The classification loss: batch mean of -log softmax(logits)[label]. */
import * as tf from '@tensorflow/tfjs-core';

export function crossEntropyOf(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logp), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
