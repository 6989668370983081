/**
 * Forward throughput (sequences/s at sequence length 128) on TF.js WASM at the bert-base shape
 * and at the default pipeline's shape, beside PyTorch at the same thread count (1: WASM is
 * single-threaded, see torch-util.ts for the reference's BLAS kernel) when python3 has torch;
 * and the peak RSS of a bert-base forward at batch 8.
 * Run: npm run build && node dist/bench/forward.js [--quick] [--no-torch] [--shape=default|bert-base]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/ml/backend.js';
import { makeConfig } from '../src/ml/bert/config.js';
import { BertClassifier } from '../src/ml/bert/model.js';
import { forward, disposeResult } from '../src/ml/bert/forward.js';
import type { Batch, BertConfig } from '../src/ml/types.js';
import { describeTorch, torchAvailable, torchTimes as torchAt, type TorchTimes } from './torch-util.js';

export { torchAvailable };

export interface Shape {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  ff: number;
  vocab: number;
  batch: number;
}

export const SEQ = 128;
export const SHAPES: Shape[] = [
  { name: 'default (4x128, ff 512)', layers: 4, hidden: 128, heads: 4, ff: 512, vocab: 8000, batch: 32 },
  { name: 'bert-base (12x768, ff 3072)', layers: 12, hidden: 768, heads: 12, ff: 3072, vocab: 30522, batch: 8 },
];

export function configOf(s: Shape): BertConfig {
  return makeConfig({ vocabSize: s.vocab, numLabels: 4, hiddenSize: s.hidden, numLayers: s.layers, numHeads: s.heads, intermediateSize: s.ff, maxPositions: 512 });
}

export function randomBatch(s: Shape, seed = 1): Batch {
  let x = seed >>> 0;
  const ids = new Int32Array(s.batch * SEQ).map(() => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return 5 + (x % (s.vocab - 5));
  });
  for (let b = 0; b < s.batch; b++) ids[b * SEQ] = 2;
  return { batchSize: s.batch, seqLen: SEQ, inputIds: ids, attentionMask: new Int32Array(s.batch * SEQ).fill(1), labels: Int32Array.from({ length: s.batch }, (_, i) => i % 4) };
}

/** Median seconds of `reps` calls after one warmup call. */
/** Median seconds of `reps` runs of fn, after one untimed warm-up run unless `warm` is false. */
export function timeIt(reps: number, fn: () => void, warm = true): number {
  if (warm) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Two measurements taken in alternation, `reps` rounds after a warm-up round, each returning
 * its best (smallest) time: for a ratio of two timings on a machine whose speed drifts.
 */
export function pairedBest(reps: number, a: () => number, b: () => number): [number, number] {
  a();
  b();
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < reps; i++) {
    bestA = Math.min(bestA, a());
    bestB = Math.min(bestB, b());
  }
  return [bestA, bestB];
}

/** timeIt for asynchronous work (reads with data(): the only read WebGPU has in Node). */
export async function timeItAsync(reps: number, fn: () => Promise<void>, warm = true): Promise<number> {
  if (warm) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** pairedBest for asynchronous measurements. */
export async function pairedBestAsync(reps: number, a: () => Promise<number>, b: () => Promise<number>): Promise<[number, number]> {
  await a();
  await b();
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < reps; i++) {
    bestA = Math.min(bestA, await a());
    bestB = Math.min(bestB, await b());
  }
  return [bestA, bestB];
}

/** forwardSeconds with the logits read by data() (any backend, WebGPU included). */
export function forwardSecondsAsync(model: BertClassifier, batch: Batch, reps: number, warm = true): Promise<number> {
  return timeItAsync(
    reps,
    async () => {
      const r = forward(model, batch);
      await r.logits.data();
      disposeResult(r);
    },
    warm,
  );
}

export function forwardSeconds(model: BertClassifier, batch: Batch, reps: number, warm = true): number {
  return timeIt(
    reps,
    () => {
      const r = forward(model, batch);
      r.logits.dataSync();
      disposeResult(r);
    },
    warm,
  );
}

/** PyTorch at 1 thread (WASM is single-threaded) for the same shape, or undefined without torch. */
export function torchTimes(s: Shape, reps: number): TorchTimes | undefined {
  return torchAt({ ...s, seq: SEQ }, { reps, threads: 1 });
}

/** In a child process: build a bert-base model, run one forward at batch 8, print max RSS (MiB). */
async function peakChild(): Promise<void> {
  await initBackend('wasm');
  const s = SHAPES[1]!;
  const model = BertClassifier.create(configOf(s), { seed: 1 });
  const r = forward(model, randomBatch(s));
  r.logits.dataSync();
  disposeResult(r);
  model.dispose();
  process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--peak-child')) return peakChild();
  const quick = process.argv.includes('--quick');
  const backend = await initBackend('wasm');
  const haveTorch = !process.argv.includes('--no-torch') && torchAvailable();
  const only = process.argv.find((a) => a.startsWith('--shape='))?.slice('--shape='.length);
  console.log(`forward throughput, backend ${backend}, sequence length ${SEQ}, 1 thread${haveTorch ? '' : '; PyTorch not available (python3 -c "import torch" failed; apt-get install -y python3-torch)'}`);
  for (const s of SHAPES.filter((x) => !only || x.name.startsWith(only))) {
    const reps = quick || s.layers > 4 ? 2 : 5;
    const model = BertClassifier.create(configOf(s), { seed: 1 });
    const batch = randomBatch(s);
    const before = tf.memory().numTensors;
    const secs = forwardSeconds(model, batch, reps);
    if (tf.memory().numTensors !== before) throw new Error('forward leaked tensors');
    model.dispose();
    const seqPerS = s.batch / secs;
    let line = `  ${s.name.padEnd(28)} batch ${String(s.batch).padStart(2)}: ${seqPerS.toFixed(1).padStart(7)} seq/s (${(secs * 1000).toFixed(0)} ms/batch)`;
    const torch = haveTorch ? torchTimes(s, s.layers > 4 ? 1 : reps) : undefined;
    if (torch) {
      const tseq = s.batch / torch.forward_s;
      line += ` | PyTorch: ${tseq.toFixed(1)} seq/s | TF.js/PyTorch ${(seqPerS / tseq).toFixed(2)}x (${describeTorch(torch)})`;
    }
    console.log(line);
  }
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--peak-child'], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`peak-memory child failed: ${child.stderr}`);
  const peak = (JSON.parse(child.stdout.trim().split('\n').pop()!) as { maxRssMiB: number }).maxRssMiB;
  console.log(`peak RSS, bert-base forward at batch 8 (fresh process, model creation included): ${(peak / 1024).toFixed(2)} GiB (target < 2 GiB: ${peak < 2048 ? 'met' : 'MISSED'})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
