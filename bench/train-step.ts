/**
 * One training step (train-mode forward with dropout, backward, clipping, AdamW) against one
 * eval forward at the same shape and batch, on TF.js WASM: target at most 4x. Measured at 1
 * thread (the single-threaded SIMD build: nodes running side by side) and at 2 threads (TF.js's
 * threaded SIMD build, src/ml/wasm-threads.ts: what `--wasm-threads auto` gives a training node
 * that runs alone on 2 cores), each in its own process (a process starts one
 * WASM build); PyTorch at the same thread count beside each when python3 has torch.
 * Run: npm run build && node dist/bench/train-step.js [--quick] [--no-torch] [--shape=default|bert-base] [--threads=1,2]
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { currentWasmThreads, initBackend } from '../src/ml/backend.js';
import { SEQ, SHAPES, forwardSecondsAsync, pairedBestAsync, timeItAsync } from './forward.js';
import { trainRig } from './train-rig.js';
import { describeTorch, torchAvailable, torchTimes } from './torch-util.js';

interface ChildResult {
  threads: number;
  forward_s: number;
  train_step_s: number;
  heap_bytes?: number;
}

/** In a child process: the forward and the step of one shape at `threads` WASM threads. */
async function child(shape: string, threads: number, quick: boolean): Promise<void> {
  await initBackend('wasm', { wasmThreads: threads });
  const s = SHAPES.find((x) => x.name.startsWith(shape))!;
  const reps = quick ? 2 : s.layers > 4 ? 3 : 9;
  const rig = trainRig(s);
  const { model, batch } = rig;
  const trainStep = (): Promise<void> => rig.step();
  const before = tf.memory().numTensors;
  // Forward and step alternate, and each side takes its best run: this machine's speed drifts
  // by 10-30% over minutes (shared host), which timing all forwards first and all steps after
  // would put into the ratio.
  const [fwd, train] = await pairedBestAsync(reps, () => forwardSecondsAsync(model, batch, 1, false), () => timeItAsync(1, trainStep, false));
  if (tf.memory().numTensors !== before) throw new Error('training step leaked tensors');
  rig.dispose();
  // WASM memory only grows: its size is the high-water mark of every step so far (max 4 GiB).
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.buffer.byteLength;
  const out: ChildResult = { threads: currentWasmThreads(), forward_s: fwd, train_step_s: train, ...(heap ? { heap_bytes: heap } : {}) };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function runChild(shape: string, threads: number, quick: boolean): ChildResult {
  const args = [fileURLToPath(import.meta.url), '--child', `--shape=${shape}`, `--threads=${threads}`, ...(quick ? ['--quick'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = process.argv.includes('--quick');
  const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
  if (process.argv.includes('--child')) return child(arg('shape')!, threadCounts[0]!, quick);
  const haveTorch = !process.argv.includes('--no-torch') && torchAvailable();
  const only = arg('shape');
  console.log(`training step vs forward, TF.js WASM, sequence length ${SEQ}; load average ${loadavg()[0]!.toFixed(1)}${haveTorch ? '' : '; PyTorch not available'}`);
  for (const s of SHAPES.filter((x) => !only || x.name.startsWith(only))) {
    const base = s.name.split(' ')[0]!;
    const results = threadCounts.map((t) => runChild(base, t, quick));
    for (const r of results) {
      const ratio = r.train_step_s / r.forward_s;
      const build = r.threads > 1 ? 'threaded SIMD build' : 'SIMD build';
      let line =
        `  ${s.name.padEnd(28)} batch ${String(s.batch).padStart(2)}, ${r.threads} thread(s), ${build}: forward ${(r.forward_s * 1000).toFixed(0)} ms, ` +
        `train step ${(r.train_step_s * 1000).toFixed(0)} ms, ratio ${ratio.toFixed(2)}x (target <= 4x: ${ratio <= 4 ? 'met' : 'MISSED'})`;
      if (r.threads > 1) line += `; step ${(results[0]!.train_step_s / r.train_step_s).toFixed(2)}x the ${results[0]!.threads}-thread speed`;
      if (r.heap_bytes) line += `; WASM heap high-water ${(r.heap_bytes / 2 ** 30).toFixed(2)} GiB of 4`;
      const torch = haveTorch ? torchTimes({ ...s, seq: SEQ }, { reps: s.layers > 4 ? 1 : 3, threads: r.threads }) : undefined;
      if (torch?.train_step_s) line += ` | PyTorch ratio ${(torch.train_step_s / torch.forward_s).toFixed(2)}x, TF.js step / PyTorch step ${(r.train_step_s / torch.train_step_s).toFixed(2)}x (${describeTorch(torch)})`;
      console.log(line);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
