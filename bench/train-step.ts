/**
 * One training step (train-mode forward with dropout, backward, clipping, AdamW) against one
 * eval forward at the same shape and batch, on TF.js WASM: target at most 4x. PyTorch's ratio
 * beside it when python3 has torch.
 * Run: npm run build && node dist/bench/train-step.js [--quick] [--no-torch] [--shape=default|bert-base]
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/ml/backend.js';
import { BertClassifier } from '../src/ml/bert/model.js';
import { lossAndGrads } from '../src/ml/bert/gradients.js';
import { isDecayed } from '../src/ml/bert/names.js';
import { AdamW, clipByGlobalNorm } from '../src/ml/train/index.js';
import { SHAPES, configOf, forwardSeconds, pairedBest, randomBatch, timeIt, torchAvailable, torchTimes } from './forward.js';
import { describeTorch } from './torch-util.js';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const backend = await initBackend('wasm');
  const haveTorch = !process.argv.includes('--no-torch') && torchAvailable();
  const only = process.argv.find((a) => a.startsWith('--shape='))?.slice('--shape='.length);
  console.log(`training step vs forward, backend ${backend}, sequence length 128${haveTorch ? '' : '; PyTorch not available'}`);
  for (const s of SHAPES.filter((x) => !only || x.name.startsWith(only))) {
    const reps = quick ? 2 : s.layers > 4 ? 3 : 9;
    const model = BertClassifier.create(configOf(s), { seed: 1 });
    const batch = randomBatch(s);
    const opt = new AdamW(model.paramsFor(), { weightDecay: 0.01, decay: isDecayed });
    let step = 0;
    const trainStep = (): void => {
      const r = lossAndGrads(model, batch, { training: true, seed: step++ });
      r.forward.logits.dispose();
      clipByGlobalNorm(r.grads, 1);
      opt.step(r.grads, 1e-4);
      for (const g of r.grads.values()) g.dispose();
    };
    const before = tf.memory().numTensors;
    // Forward and step alternate, and each side takes its best run: this machine's speed drifts
    // by 10-30% over minutes (shared host), which timing all forwards first and all steps after
    // would put into the ratio.
    const [fwd, train] = pairedBest(reps, () => forwardSeconds(model, batch, 1, false), () => timeIt(1, trainStep, false));
    if (tf.memory().numTensors !== before) throw new Error('training step leaked tensors');
    opt.dispose();
    model.dispose();
    const ratio = train / fwd;
    let line = `  ${s.name.padEnd(28)} batch ${String(s.batch).padStart(2)}: forward ${(fwd * 1000).toFixed(0)} ms, train step ${(train * 1000).toFixed(0)} ms, ratio ${ratio.toFixed(2)}x (target <= 4x: ${ratio <= 4 ? 'met' : 'MISSED'})`;
    const torch = haveTorch ? torchTimes(s, s.layers > 4 ? 1 : reps) : undefined;
    if (torch?.train_step_s) line += ` | PyTorch ratio ${(torch.train_step_s / torch.forward_s).toFixed(2)}x, TF.js step / PyTorch step ${(train / torch.train_step_s).toFixed(2)}x (${describeTorch(torch)})`;
    // WASM memory only grows: its size is the high-water mark of every step so far (max 4 GiB).
    const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.buffer.byteLength;
    if (heap) line += `; WASM heap high-water ${(heap / 2 ** 30).toFixed(2)} GiB of 4`;
    console.log(line);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
