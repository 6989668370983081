/**
 * Capture cost (issue 4): one signals/capture pass (forward + backward per batch, with hidden
 * states, FFN pre-activations and attention probabilities captured and reduced) against one
 * plain forward + backward (loss and gradients only) over the same batches. Target: at most
 * 1.5x. Random token ids, fixed lengths (padding included), a freshly initialised model.
 * Run: npm run build && node dist/bench/capture.js [--backend wasm] [--examples 32] [--seq 64]
 *      [--batch 16] [--shapes 4x128,6x256] [--repeats 3]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/ml/backend.js';
import { makeConfig } from '../src/ml/bert/config.js';
import { BertClassifier } from '../src/ml/bert/model.js';
import { lossAndGrads, disposeLossAndGrads } from '../src/ml/bert/gradients.js';
import { captureStats } from '../src/ml/signals/index.js';
import type { Batch } from '../src/ml/types.js';

const TARGET = 1.5;

function batches(n: number, seq: number, size: number, vocab: number, classes: number): Batch[] {
  let s = 12345;
  const rand = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const out: Batch[] = [];
  for (let at = 0; at < n; at += size) {
    const B = Math.min(size, n - at);
    const ids = new Int32Array(B * seq);
    const mask = new Int32Array(B * seq);
    for (let b = 0; b < B; b++) {
      // Lengths between half and all of seq: padding is masked, as in real batches.
      const len = Math.max(3, Math.floor(seq * (0.5 + 0.5 * rand())));
      for (let t = 0; t < len; t++) {
        ids[b * seq + t] = t === 0 ? 2 : t === len - 1 ? 3 : 5 + Math.floor(rand() * (vocab - 5));
        mask[b * seq + t] = 1;
      }
    }
    out.push({ batchSize: B, seqLen: seq, inputIds: ids, attentionMask: mask, labels: Int32Array.from({ length: B }, (_, i) => (at + i) % classes) });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      examples: { type: 'string', default: '32' },
      seq: { type: 'string', default: '64' },
      batch: { type: 'string', default: '16' },
      shapes: { type: 'string', default: '4x128,6x256' },
      repeats: { type: 'string', default: '3' },
    },
  });
  const backend = await initBackend(a.backend);
  const n = Number(a.examples);
  const seq = Number(a.seq);
  const size = Number(a.batch);
  const repeats = Number(a.repeats);
  console.log(`capture vs plain forward+backward: backend ${backend}, ${n} examples, seq ${seq}, batch ${size}, median of ${repeats}`);
  let worst = 0;
  for (const shape of a.shapes.split(',')) {
    const [layers, hidden] = shape.split('x').map(Number) as [number, number];
    const config = makeConfig({ vocabSize: 1000, numLabels: 4, hiddenSize: hidden, numLayers: layers, numHeads: 4, intermediateSize: hidden * 4, maxPositions: seq });
    const model = BertClassifier.create(config, { seed: 1 });
    const data = batches(n, seq, size, config.vocabSize, config.numLabels);
    const plain = async (): Promise<void> => {
      for (const b of data) {
        const r = await lossAndGrads(model, b);
        // Read the gradients back, as the capture does with its reductions: both wait for the work.
        for (const g of r.grads.values()) await g.data();
        disposeLossAndGrads(r);
      }
    };
    const capture = async (): Promise<void> => {
      await captureStats(model, data, { eps: 1e-10 });
    };
    await plain();
    await capture();
    const tp: number[] = [];
    const tc: number[] = [];
    for (let i = 0; i < repeats; i++) {
      let t = performance.now();
      await plain();
      tp.push(performance.now() - t);
      t = performance.now();
      await capture();
      tc.push(performance.now() - t);
    }
    const ratio = median(tc) / median(tp);
    worst = Math.max(worst, ratio);
    console.log(
      `  ${layers} layers, hidden ${hidden}: plain forward+backward ${(median(tp) / 1000).toFixed(2)} s, capture ${(median(tc) / 1000).toFixed(2)} s, ratio ${ratio.toFixed(2)}x (target <= ${TARGET}x) ${ratio <= TARGET ? 'ok' : 'OVER'}`,
    );
    model.dispose();
    if (tf.memory().numTensors > 0) console.log(`  (tensors still allocated: ${tf.memory().numTensors})`);
  }
  console.log(`worst ratio ${worst.toFixed(2)}x: ${worst <= TARGET ? 'within' : 'over'} the ${TARGET}x target`);
}

await main();
