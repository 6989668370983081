/**
 * Direct views of tensors in TF.js's WASM heap, for the few loops we run in JS because the WASM
 * backend's kernels are slow for them (AdamW's update, embedding row gathers). A view is only
 * valid until the next TF.js call that allocates: heap growth detaches it, so take views after
 * the last such call and copy out before the next.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface HeapBackend {
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): Float32Array | Int32Array | Uint8Array;
}

/** The WASM backend when it is the active one (and exposes its heap), else undefined. */
export function heapBackend(): HeapBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof b.typedArrayFromHeap === 'function' ? (b as HeapBackend) : undefined;
}
