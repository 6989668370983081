/**
 * Worker-thread entry of distillInThread (in-thread.ts): initialise the caller's backend, build
 * the student from its weights, train it with `distill` exactly as the calling thread would,
 * and post the trained weights back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend.js';
import { BertClassifier } from '../bert/model.js';
import { distill, distillBatches } from './distill.js';
import type { ThreadMessage, ThreadRunRequest } from './in-thread.js';

async function main(req: ThreadRunRequest): Promise<ThreadMessage> {
  await initBackend(req.backend);
  const student = BertClassifier.fromHF(req.config, req.tensors, { layers: req.layers, source: 'distillation thread' });
  try {
    const batches = distillBatches(req.encoded, req.batchSize, req.seed, req.padTokenId);
    const started = Date.now();
    const result = await distill(student, batches, req.teacher, {
      temperature: req.temperature,
      alpha: req.alpha,
      epochs: req.epochs,
      lr: req.lr,
      weightDecay: req.weightDecay,
      warmup: req.warmup,
      clip: req.clip,
      dropout: req.dropout,
      seed: req.seed,
      onProgress: ({ step, total, loss, epoch }) => parentPort?.postMessage({ kind: 'progress', step, total, loss, epoch } satisfies ThreadMessage),
    });
    const seconds = (Date.now() - started) / 1000;
    return { kind: 'done', tensors: await student.toHF({ layers: req.layers }), result, seconds };
  } finally {
    student.dispose();
  }
}

main(workerData as ThreadRunRequest).then(
  (m) => parentPort?.postMessage(m),
  (e: unknown) => parentPort?.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies ThreadMessage),
);
