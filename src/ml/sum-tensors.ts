/**
 * Elementwise sum of many same-shaped tensors. tf.addN compiles one shader reading every input:
 * on WebGPU each input is a storage buffer, and past the device's maxStorageBuffersPerShaderStage
 * (8 by default, TF.js does not raise it) the pipeline is invalid and the sum silently comes out
 * as zeros. So at most 7 inputs go to one addN, and chunks fold left to right: the same order of
 * additions as one addN on the CPU and WASM backends (bitwise the same sum there).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Inputs per addN: 7 inputs and the output fit WebGPU's default 8 storage buffers. */
export const ADDN_MAX_INPUTS = 7;

export function sumTensors(tensors: readonly tf.Tensor[]): tf.Tensor {
  if (tensors.length === 0) throw new Error('sumTensors: no tensors');
  return tf.tidy(() => {
    let acc = tensors.length === 1 ? tensors[0]! : tf.addN(tensors.slice(0, ADDN_MAX_INPUTS) as tf.Tensor[]);
    for (let at = ADDN_MAX_INPUTS; at < tensors.length; at += ADDN_MAX_INPUTS - 1) {
      acc = tf.addN([acc, ...tensors.slice(at, at + ADDN_MAX_INPUTS - 1)]);
    }
    // A lone input comes back as a new tensor, as addN would return.
    return tensors.length === 1 ? tf.clone(acc) : acc;
  });
}
