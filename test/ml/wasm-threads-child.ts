/**
 * Child process of wasm-threads.test.ts (a process starts one WASM build): a seeded model's
 * train-mode loss and gradients' global norm on the WASM backend with `argv[2]` threads,
 * printed as JSON, with the backend's run-record facts. `argv[3]` = `fallback`: run the
 * single-threaded build where the threaded one cannot start. It must exit on its own (no
 * process.exit): the test checks that too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendFacts, currentWasmThreads, initBackend } from '../../src/ml/backend.js';
import { lossAndGrads } from '../../src/ml/bert/gradients.js';
import { disposeResult, forward } from '../../src/ml/bert/forward.js';
import { handBatch, smallModel } from '../util/bert-checkpoint.js';

const threads = Number(process.argv[2] ?? '1');
await initBackend('wasm', { wasmThreads: threads, wasmThreadsFallback: process.argv[3] === 'fallback' });
const model = smallModel(4, { hiddenSize: 64, intermediateSize: 256, numHeads: 4 });
const batch = handBatch();
const r = await lossAndGrads(model, batch, { training: true, seed: 3 });
const norm = tf.tidy(() => Math.sqrt([...r.grads.values()].reduce((a, g) => a + (tf.sum(tf.square(g)).dataSync()[0] as number), 0)));
r.forward.logits.dispose();
for (const g of r.grads.values()) g.dispose();
const f = forward(model, batch);
const logits = Array.from(f.logits.dataSync());
disposeResult(f);
model.dispose();
process.stdout.write(JSON.stringify({ threads: currentWasmThreads(), facts: backendFacts(), loss: r.loss, norm, logits }) + '\n');
