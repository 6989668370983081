/**
 * Inference engines side by side: sequences/s of ONNX Runtime (its layer-by-layer path, the one
 * pruning curves use, and its variants: whole-model graph, weights as inputs, standard-op
 * attention), TF.js on WASM and PyTorch (Debian's python3-torch on its best BLAS kernel, see
 * torch-util.ts) at the same thread count, at the default pipeline's shape and at bert-base,
 * sequence length 128. Each figure is the best of its runs, variants measured in alternation
 * (this machine is shared, its speed drifts); the process CPU time of the best run is printed
 * beside it (less sensitive to other load than wall time).
 * Target: ONNX Runtime at least 1x PyTorch at the same threads.
 * Run: npm run build && node dist/bench/engines.js [--shape=default|bert-base] [--threads=N] [--quick] [--no-torch] [--no-tfjs]
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/ml/backend.js';
import { makeConfig } from '../src/ml/bert/config.js';
import { disposeResult, forward } from '../src/ml/bert/forward.js';
import { BertClassifier } from '../src/ml/bert/model.js';
import { paramShapes } from '../src/ml/bert/names.js';
import type { EngineModel } from '../src/ml/engine/model.js';
import { OrtLayerEngine, type OrtEngineOptions } from '../src/ml/onnx/engine.js';
import type { TensorData } from '../src/artifacts/types.js';
import type { Batch } from '../src/ml/types.js';
import { describeTorch, torchAvailable, torchTimes } from './torch-util.js';
import type { Shape } from './forward.js';


const SEQ = 128;
const SHAPES: Shape[] = [
  { name: 'default (6x128, ff 512)', layers: 6, hidden: 128, heads: 4, ff: 512, vocab: 8000, batch: 32 },
  { name: 'bert-base (12x768, ff 3072)', layers: 12, hidden: 768, heads: 12, ff: 3072, vocab: 30522, batch: 8 },
];

/** Random weights (HF layout) from a seeded generator: the same model for every engine. */
function randomModel(s: Shape): EngineModel {
  const config = makeConfig({ vocabSize: s.vocab, numLabels: 4, hiddenSize: s.hidden, numLayers: s.layers, numHeads: s.heads, intermediateSize: s.ff, maxPositions: 512 });
  const layers = Array.from({ length: s.layers }, (_, i) => i);
  let x = 12345;
  const tensors = new Map<string, TensorData>();
  for (const [name, shape] of paramShapes(config, layers)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.includes('LayerNorm.weight')) data.fill(1);
    else if (!name.endsWith('.bias'))
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        data[i] = (x / 2 ** 32 - 0.5) * 0.07; // uniform with std 0.02, as HF's init
      }
    tensors.set(name, { dtype: 'F32', shape, data });
  }
  return { config, layers, tensors };
}

function randomBatch(s: Shape): Batch {
  let x = 7;
  const ids = new Int32Array(s.batch * SEQ).map(() => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return 5 + (x % (s.vocab - 5));
  });
  for (let b = 0; b < s.batch; b++) ids[b * SEQ] = 2;
  // A quarter of the rows padded to half length, as real batches are.
  const mask = new Int32Array(s.batch * SEQ).fill(1);
  for (let b = 0; b < s.batch; b += 4) mask.fill(0, b * SEQ + SEQ / 2, (b + 1) * SEQ);
  return { batchSize: s.batch, seqLen: SEQ, inputIds: ids, attentionMask: mask };
}

interface Timed {
  wall: number;
  cpu: number;
}

type Runner = () => Promise<unknown>;

/** Best wall and CPU seconds of each runner over `reps` rounds, runners alternating. */
async function bestOf(runners: Record<string, Runner>, reps: number): Promise<Record<string, Timed>> {
  const best: Record<string, Timed> = {};
  for (const [k, run] of Object.entries(runners)) {
    await run();
    best[k] = { wall: Infinity, cpu: Infinity };
  }
  for (let i = 0; i < reps; i++) {
    for (const [k, run] of Object.entries(runners)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const b = best[k]!;
      if (wall < b.wall) best[k] = { wall, cpu: (c.user + c.system) / 1e6 };
    }
  }
  return best;
}

const VARIANTS: Record<string, OrtEngineOptions & { whole?: boolean }> = {
  'onnxruntime (per-layer sessions)': {},
  'onnxruntime (whole-model graph)': { whole: true },
  'onnxruntime (weights as inputs)': { layerGraphs: 'shared' },
  'onnxruntime (standard-op attention)': { fusedAttention: false },
};

function fmt(s: Shape, t: Timed): string {
  return `${(s.batch / t.wall).toFixed(1).padStart(7)} seq/s (${(t.wall * 1000).toFixed(0)} ms/batch, cpu ${(t.cpu * 1000).toFixed(0)} ms)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shape: { type: 'string' }, threads: { type: 'string' }, quick: { type: 'boolean' }, 'no-torch': { type: 'boolean' }, 'no-tfjs': { type: 'boolean' } } });
  const threads = values.threads ? Number(values.threads) : availableParallelism();
  const haveTorch = !values['no-torch'] && torchAvailable();
  const backend = values['no-tfjs'] ? undefined : await initBackend('wasm');
  console.log(
    `inference engines, sequence length ${SEQ}, ${threads} thread(s) for onnxruntime and PyTorch, tfjs-${backend ?? 'off'} at 1 thread; ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores${haveTorch ? '' : '; PyTorch not available (apt-get install -y python3-torch)'}`,
  );
  for (const s of SHAPES.filter((x) => !values.shape || x.name.startsWith(values.shape))) {
    const big = s.layers > 6;
    const reps = values.quick ? 2 : big ? 3 : 8;
    const model = randomModel(s);
    const batch = randomBatch(s);
    console.log(`${s.name}, batch ${s.batch}:`);
    const engines: Record<string, OrtLayerEngine> = {};
    const runners: Record<string, Runner> = {};
    for (const [label, v] of Object.entries(VARIANTS)) {
      const t0 = performance.now();
      const e = await OrtLayerEngine.create(model, { ...v, threads, wholeGraphs: v.whole ? 1 : 0 });
      engines[label] = e;
      runners[label] = v.whole
        ? () => e.logits!(batch, model.layers)
        : async () => {
            let h = await e.embed(batch);
            for (const l of model.layers) {
              const next = await e.layer(l, h, batch);
              e.release(h);
              h = next;
            }
            return e.head(h);
          };
      await runners[label]();
      console.log(`  ${label}: sessions built and first batch in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const best = await bestOf(runners, reps);
    const ortBest = best['onnxruntime (per-layer sessions)']!;
    for (const [label, t] of Object.entries(best)) console.log(`  ${label.padEnd(38)} ${fmt(s, t)}`);
    for (const e of Object.values(engines)) await e.dispose();

    if (backend) {
      const tf = BertClassifier.fromHF(model.config, model.tensors);
      const run = (): Promise<unknown> => {
        const r = forward(tf, batch);
        const out = r.logits.data();
        return out.finally(() => disposeResult(r));
      };
      const t = (await bestOf({ tfjs: run }, big ? 1 : reps)).tfjs!;
      tf.dispose();
      console.log(`  ${`tfjs-${backend} (1 thread)`.padEnd(38)} ${fmt(s, t)}; onnxruntime/tfjs ${(t.wall / ortBest.wall).toFixed(1)}x`);
    }
    if (haveTorch) {
      const torch = torchTimes({ ...s, seq: SEQ }, { reps: big ? 3 : reps, threads, train: false })!;
      const ratio = torch.forward_s / ortBest.wall;
      console.log(
        `  ${`PyTorch (${threads} thread(s))`.padEnd(38)} ${fmt(s, { wall: torch.forward_s, cpu: torch.forward_cpu_s })}; ` +
          `onnxruntime/PyTorch ${ratio.toFixed(2)}x (target >= 1x: ${ratio >= 1 ? 'ok' : 'MISSED'}; ${describeTorch(torch)})`,
      );
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
