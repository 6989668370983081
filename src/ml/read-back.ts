/**
 * Reading a tensor's values into JS, on every backend: `data()`, never dataSync (WebGPU in Node
 * has no synchronous read: TF.js's needs OffscreenCanvas). On WebGPU it also raises any error
 * the device has reported: an invalid pipeline or an out-of-memory makes TF.js's results
 * silently wrong (zeros), and such numbers must never reach the cache. The error stays raised
 * until the backend is released (releaseBackend), since TF.js may reuse what failed.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { gpuErrorSeen } from './webgpu.js';

export async function readBack(t: tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  const data = (await t.data()) as Float32Array | Int32Array | Uint8Array;
  const error = gpuErrorSeen();
  if (error) throw new Error(`WebGPU reported an error, so these results are invalid: ${error}`);
  return data;
}
