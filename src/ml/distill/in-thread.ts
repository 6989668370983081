/**
 * One distillation training run in a worker thread: the control of model/distill (the same
 * student trained the same steps on hard labels alone) runs beside the distillation itself.
 * TF.js on WASM or the JS CPU backend computes on one core, so two trainings in one process
 * take twice as long as they need on a machine with a second core; a thread has its own TF.js
 * and its own WASM instance, and runs the same kernels on the same inputs, so its result is
 * the one the same run would give in the calling thread, bit for bit.
 */
import { Worker } from 'node:worker_threads';
import type { TensorData } from '../../artifacts/types.js';
import type { TrainResult } from '../train/loop.js';
import type { BertConfig, EncodedSplit } from '../types.js';

export interface ThreadRunRequest {
  /** The backend to initialise in the thread: the caller's, so both runs compute alike. */
  backend: string;
  config: BertConfig;
  layers: number[];
  /** The student's starting weights (HF names and layout, as BertClassifier.fromHF reads). */
  tensors: Map<string, TensorData>;
  encoded: EncodedSplit;
  batchSize: number;
  padTokenId: number;
  /** The teacher's logits over the split, [examples, classes]. */
  teacher: Float32Array;
  temperature: number;
  alpha: number;
  epochs: number;
  lr: number;
  weightDecay: number;
  warmup: number;
  clip: number;
  dropout: number;
  seed: number;
}

export interface ThreadRunResult {
  /** The trained student's weights, as toHF gives them (kept layers under their own indices). */
  tensors: Map<string, TensorData>;
  result: TrainResult;
  seconds: number;
}

export type ThreadMessage =
  | { kind: 'progress'; step: number; total: number; loss: number; epoch: number }
  | { kind: 'done'; tensors: Map<string, TensorData>; result: TrainResult; seconds: number }
  | { kind: 'error'; message: string };

/**
 * Start the run; `done` settles with the trained weights or the thread's error. An abort
 * terminates the thread (its WASM memory goes with it).
 */
export function distillInThread(
  req: ThreadRunRequest,
  opts: { signal?: AbortSignal; onProgress?: (p: { step: number; total: number; loss: number; epoch: number }) => void } = {},
): Promise<ThreadRunResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./thread.js', import.meta.url), { workerData: req });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void => {
      void worker.terminate();
      finish(() => reject(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted')));
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: ThreadMessage) => {
      if (m.kind === 'progress') opts.onProgress?.(m);
      else if (m.kind === 'done') finish(() => resolve({ tensors: m.tensors, result: m.result, seconds: m.seconds }));
      else finish(() => reject(new Error(m.message)));
      if (m.kind !== 'progress') void worker.terminate();
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the training thread exited (code ${code}) before it finished`))));
  });
}
