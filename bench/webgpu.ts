/**
 * Forward and training-step speed on the WebGPU adapter `--backend webgpu` finds, beside TF.js
 * WASM measured in the same run, at sequence length 128 (bench/forward.ts's shapes). Prints the
 * adapter (a software one, such as Mesa's lavapipe, is correct but slow: its figures say how the
 * code runs there, not what a GPU does). The first WebGPU call compiles every kernel's shader;
 * it is timed apart and left out of the per-batch figures.
 * Run: npm run build && node dist/bench/webgpu.js [--shape=small,default,bert-base] [--reps=N]
 *      (default: every shape on a hardware adapter, `small` on a software one)
 *      (LAYERFUSE_WEBGPU_ADAPTER picks the adapter: an index or part of its name)
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { backendFacts, initBackend, releaseBackend } from '../src/ml/backend.js';
import { describeAdapter } from '../src/ml/webgpu-adapters.js';
import { listAdapters } from '../src/ml/webgpu.js';
import { SEQ, SHAPES, forwardSecondsAsync, timeItAsync, type Shape } from './forward.js';
import { trainRig } from './train-rig.js';

/** A shape that runs in seconds even on a software adapter. */
const SMALL: Shape = { name: 'small (2x64, ff 256)', layers: 2, hidden: 64, heads: 4, ff: 256, vocab: 2000, batch: 8 };

interface Figures {
  firstMs: number;
  forwardMs: number;
  stepMs: number;
}

async function measure(backend: 'wasm' | 'webgpu', s: Shape, reps: number): Promise<Figures> {
  await initBackend(backend);
  const before = tf.memory().numTensors;
  const rig = trainRig(s);
  const { model, batch } = rig;
  const trainStep = async (): Promise<void> => {
    await rig.step();
    // Wait for the update itself (queued on a GPU): read one small parameter back.
    await model.param('classifier.bias').data();
  };
  const t0 = performance.now();
  await forwardSecondsAsync(model, batch, 1, false);
  await trainStep();
  const firstMs = performance.now() - t0;
  const forwardMs = (await forwardSecondsAsync(model, batch, reps, false)) * 1000;
  const stepMs = (await timeItAsync(reps, trainStep, false)) * 1000;
  rig.dispose();
  if (tf.memory().numTensors !== before) throw new Error(`${backend}: tensors leaked`);
  return { firstMs, forwardMs, stepMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shape: { type: 'string' }, reps: { type: 'string', default: '3' } } });
  const reps = Number(values.reps);
  try {
    await initBackend('webgpu');
  } catch (e) {
    console.log(`WebGPU is not available here: ${(e as Error).message}`);
    return;
  }
  const adapter = backendFacts().adapter!;
  // A software adapter takes minutes at the default pipeline's shape: the small one unless asked.
  const wanted = (values.shape ?? (adapter.software ? 'small' : 'small,default,bert-base')).split(',');
  const shapes = [SMALL, ...SHAPES].filter((s) => wanted.some((w) => s.name.startsWith(w)));
  if (shapes.length === 0) throw new Error(`--shape: none of ${[SMALL, ...SHAPES].map((s) => s.name.split(' ')[0]).join(', ')}`);
  console.log(`WebGPU adapter: ${describeAdapter(adapter)}; ${adapter.description}`);
  if (adapter.software) console.log('  (a software adapter: figures show the code path, not GPU speed)');
  console.log(`Dawn's adapters (LAYERFUSE_WEBGPU_ADAPTER takes the index): ${(await listAdapters()).map((a) => `${a.index}: ${a.name} (${a.backend})`).join('; ')}`);
  console.log(`forward and training step (dropout, backward, clipping, AdamW), sequence length ${SEQ}, median of ${reps}; WASM is one thread`);
  for (const s of shapes) {
    const wasm = await measure('wasm', s, reps);
    const gpu = await measure('webgpu', s, reps);
    const seq = (ms: number): string => `${((s.batch / ms) * 1000).toFixed(1)} seq/s`;
    console.log(`  ${s.name.padEnd(28)} batch ${String(s.batch).padStart(2)}:`);
    console.log(`    forward     WASM ${wasm.forwardMs.toFixed(0).padStart(7)} ms (${seq(wasm.forwardMs)})   WebGPU ${gpu.forwardMs.toFixed(0).padStart(7)} ms (${seq(gpu.forwardMs)})   WebGPU/WASM speed ${(wasm.forwardMs / gpu.forwardMs).toFixed(2)}x`);
    console.log(`    train step  WASM ${wasm.stepMs.toFixed(0).padStart(7)} ms (${seq(wasm.stepMs)})   WebGPU ${gpu.stepMs.toFixed(0).padStart(7)} ms (${seq(gpu.stepMs)})   WebGPU/WASM speed ${(wasm.stepMs / gpu.stepMs).toFixed(2)}x`);
    console.log(`    first forward + step (WebGPU compiles its shaders): ${(gpu.firstMs / 1000).toFixed(1)} s (WASM ${(wasm.firstMs / 1000).toFixed(1)} s)`);
  }
  releaseBackend();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
