/**
 * The WebGPU backend (TF.js on Dawn), on whatever adapter `--backend webgpu` finds: on a machine
 * without a GPU, Mesa's software Vulkan driver (lavapipe; .ci/run installs it). Small shapes:
 * software rendering is slow, and every kernel's shader compiles once per process (seconds).
 * - parity with the tiny-bert fixture: logits with and without removed layers (1e-4), gradient
 *   statistics (as bert-gradients.test.ts), the capture and every signal (as signals-parity);
 * - a training step (generic path: tf.matMul, tf.exp, AdamW in `ops` mode, whole-model and
 *   segment-wise backward) equals the CPU backend's, and a short training run tracks the CPU's;
 * - a GPU error fails the read instead of passing zeros on; releasing frees the process.
 * Skips, saying why, only where no WebGPU adapter can be had.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { backendFacts, initBackend, releaseBackend } from '../../src/ml/backend.js';
import { BertClassifier } from '../../src/ml/bert/model.js';
import { configFromHF, makeConfig } from '../../src/ml/bert/config.js';
import { forward, disposeResult } from '../../src/ml/bert/forward.js';
import { lossAndGrads, disposeLossAndGrads } from '../../src/ml/bert/gradients.js';
import { readSafetensors } from '../../src/artifacts/safetensors.js';
import { layerGradientMoments } from '../../src/ml/signals/batch-stats.js';
import { AdamW, train, type TrainOptions } from '../../src/ml/train/index.js';
import { readBack } from '../../src/ml/read-back.js';
import { listAdapters } from '../../src/ml/webgpu.js';
import { isSoftwareAdapter } from '../../src/ml/webgpu-adapters.js';
import type { Batch } from '../../src/ml/types.js';
import { sharedPath, skipWithoutShared } from '../util/shared.js';
import { checkSignalParity } from './signals/parity-check.js';
import { smallModel } from '../util/bert-checkpoint.js';
import { batchesOf, synthetic } from './train/helpers.js';

/**
 * false when Dawn lists an adapter here, else why not (the skip message). Only the absence of
 * an adapter skips: when there is one, a failure to load the backend on it fails the tests.
 */
async function webgpuSkip(): Promise<false | string> {
  try {
    return (await listAdapters()).length > 0 ? false : 'no WebGPU adapter here (Dawn lists none: no Vulkan driver it accepts)';
  } catch (e) {
    return `no WebGPU adapter here (${(e as Error).message.split('\n')[0]})`;
  }
}

const skip = await webgpuSkip();

// Dawn (with Mesa's lavapipe) can abort at process exit while its threads are still winding
// down after a device was destroyed ("terminate called after throwing std::system_error"), which
// fails the file after every test passed. Release the backend and give those threads time to
// finish before the process exits.
after(async () => {
  releaseBackend();
  await new Promise((r) => setTimeout(r, 2000));
});
const skipShared = skip || skipWithoutShared();

async function useWebGpu(): Promise<void> {
  assert.equal(await initBackend('webgpu'), 'webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function fixtureModel(): Promise<BertClassifier> {
  const dir = sharedPath('fixtures', 'tiny-bert');
  const config = configFromHF(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as Record<string, unknown>, 'config.json');
  return BertClassifier.fromHF(config, await readSafetensors(`${dir}/model.safetensors`));
}

void test('the run records the adapter: vendor, architecture, name, software or not', { skip }, async () => {
  await useWebGpu();
  const f = backendFacts();
  assert.equal(f.backend, 'webgpu');
  assert.ok(f.adapter, 'adapter facts');
  assert.equal(typeof f.adapter.software, 'boolean');
  assert.ok(f.adapter.name.length > 0);
  console.log(`WebGPU adapter: ${JSON.stringify(f.adapter)}`);
});

void test('forward reproduces the HF tiny-bert fixture within 1e-4 on WebGPU, with and without removed layers', { skip: skipShared }, async () => {
  await useWebGpu();
  const model = await fixtureModel();
  const { cases } = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'cases.json'), 'utf8')) as {
    cases: Array<{ input_ids: number[][]; attention_mask: number[][]; skip_layers: number[]; expected: { logits: number[][] } }>;
  };
  assert.ok(cases.some((c) => c.skip_layers.length > 0) && cases.some((c) => c.skip_layers.length === 0));
  const before = tf.memory().numTensors;
  let worst = 0;
  for (const c of cases) {
    const batch: Batch = { batchSize: c.input_ids.length, seqLen: c.input_ids[0]!.length, inputIds: Int32Array.from(c.input_ids.flat()), attentionMask: Int32Array.from(c.attention_mask.flat()) };
    const r = forward(model, batch, { layers: model.layers.filter((l) => !c.skip_layers.includes(l)) });
    const err = maxDiff(await readBack(r.logits), c.expected.logits.flat());
    assert.ok(err < 1e-4, `skip ${JSON.stringify(c.skip_layers)}: max abs error ${err}`);
    worst = Math.max(worst, err);
    disposeResult(r);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  model.dispose();
  console.log(`tiny-bert logits on WebGPU: max abs error ${worst.toExponential(2)} over ${cases.length} cases`);
});

void test('per-layer gradient statistics reproduce the fixture (PyTorch) on WebGPU', { skip: skipShared }, async () => {
  await useWebGpu();
  const model = await fixtureModel();
  const fx = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'signals.json'), 'utf8')) as {
    input_ids: number[][];
    attention_mask: number[][];
    labels: number[];
    params: { 'gradient-magnitudes': { batch: number } };
    scores: Record<string, number[]>;
  };
  const bs = fx.params['gradient-magnitudes'].batch;
  const L = model.config.numLayers;
  const mag = new Array<number>(L).fill(0);
  const fisher = new Array<number>(L).fill(0);
  let batches = 0;
  const before = tf.memory().numTensors;
  for (let i = 0; i < fx.input_ids.length; i += bs) {
    const ids = fx.input_ids.slice(i, i + bs);
    const batch: Batch = {
      batchSize: ids.length,
      seqLen: ids[0]!.length,
      inputIds: Int32Array.from(ids.flat()),
      attentionMask: Int32Array.from(fx.attention_mask.slice(i, i + bs).flat()),
      labels: Int32Array.from(fx.labels.slice(i, i + bs)),
    };
    const r = await lossAndGrads(model, batch);
    // The capture's own reduction (sums of 16 gradients per layer: more inputs than one WebGPU shader takes).
    const m = await layerGradientMoments(r.grads, model.layers);
    for (let l = 0; l < L; l++) {
      mag[l]! += m.absMean[l]!;
      fisher[l]! += m.sqMean[l]!;
    }
    batches++;
    disposeLossAndGrads(r);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const errs: string[] = [];
  for (let l = 0; l < L; l++) {
    const em = fx.scores['gradient-magnitudes']![l]!;
    const ef = fx.scores['gradient-fisher']![l]!;
    const m = mag[l]! / batches;
    const f = fisher[l]! / batches;
    assert.ok(Math.abs(m - em) <= 1e-4 * Math.abs(em) + 1e-9, `layer ${l} mean |g| ${m} vs ${em}`);
    assert.ok(Math.abs(f - ef) <= 1e-3 * Math.abs(ef) + 1e-12, `layer ${l} mean g^2 ${f} vs ${ef}`);
    errs.push(`${(Math.abs(m - em) / em).toExponential(1)}/${(Math.abs(f - ef) / ef).toExponential(1)}`);
  }
  model.dispose();
  console.log(`gradient statistics on WebGPU, relative error mean|g|/mean g^2 per layer: ${errs.join(' ')}`);
});

void test('the capture and every signal match the tiny-bert reference on WebGPU', { skip: skipShared }, async () => {
  await useWebGpu();
  console.log(`signal parity on WebGPU (max abs error; relative for gradient-*): ${await checkSignalParity()}`);
});

interface Step {
  loss: number;
  grads: Map<string, Float32Array>;
  params: Map<string, Float32Array>;
  mode: string;
}

async function oneStep(backend: 'webgpu' | 'cpu', segment: boolean): Promise<Step> {
  await initBackend(backend);
  const config = makeConfig({ vocabSize: 20, numLabels: 2, hiddenSize: 8, numLayers: 3, numHeads: 2, intermediateSize: 16, maxPositions: 16 });
  const before = tf.memory().numTensors;
  const model = BertClassifier.create(config, { seed: 3 });
  const batch: Batch = {
    batchSize: 2,
    seqLen: 4,
    inputIds: Int32Array.from([2, 5, 9, 3, 2, 7, 3, 0]),
    attentionMask: Int32Array.from([1, 1, 1, 1, 1, 1, 1, 0]),
    labels: Int32Array.from([0, 1]),
  };
  const opt = new AdamW(model.paramsFor(), { weightDecay: 0.01, decay: () => true });
  const r = await lossAndGrads(model, batch, { training: true, seed: 4, dropout: 0.2, segment, capture: { hidden: true, attention: true, ffnPre: true } });
  const grads = new Map<string, Float32Array>();
  for (const [n, g] of r.grads) grads.set(n, (await readBack(g)) as Float32Array);
  opt.step(r.grads, 0.01);
  const params = new Map<string, Float32Array>();
  for (const n of model.paramNames()) params.set(n, (await readBack(model.param(n))) as Float32Array);
  disposeLossAndGrads(r);
  const mode = opt.mode;
  opt.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, before, `${backend}: no tensor leaks`);
  return { loss: r.loss, grads, params, mode };
}

void test('a training step on WebGPU (generic path, whole-model and segment-wise backward) matches the CPU backend', { skip }, async () => {
  const cpu = await oneStep('cpu', false);
  for (const segment of [false, true]) {
    const gpu = await oneStep('webgpu', segment);
    assert.equal(gpu.mode, 'ops', 'AdamW keeps its heap mode to WASM');
    assert.ok(Math.abs(gpu.loss - cpu.loss) < 1e-6, `loss ${gpu.loss} vs ${cpu.loss}`);
    const worst = { grad: 0, param: 0 };
    for (const [what, a, b, tol] of [['grad', gpu.grads, cpu.grads, 1e-6], ['param', gpu.params, cpu.params, 1e-5]] as const) {
      assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
      for (const [name, va] of a) {
        const d = maxDiff(va, b.get(name)!);
        assert.ok(d <= tol, `${segment ? 'segment-wise' : 'whole-model'} ${what} ${name} differs by ${d}`);
        worst[what] = Math.max(worst[what], d);
      }
    }
    console.log(`WebGPU vs CPU training step (${segment ? 'segment-wise' : 'whole-model'} backward): loss ${Math.abs(gpu.loss - cpu.loss).toExponential(1)}, grads ${worst.grad.toExponential(1)}, params after AdamW ${worst.param.toExponential(1)}`);
  }
});

void test('a short training run on WebGPU lowers the loss and tracks the same run on the CPU backend', { skip }, async () => {
  const data = synthetic(48, 1);
  const opts: TrainOptions = { epochs: 3, lr: 1e-2, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 11 };
  const run = async (backend: 'webgpu' | 'cpu'): Promise<number[]> => {
    await initBackend(backend);
    const model = smallModel(4);
    const r = await train(model, (e) => batchesOf(data, 16, e, 5), opts);
    model.dispose();
    return r.losses;
  };
  const gpu = await run('webgpu');
  const cpu = await run('cpu');
  assert.equal(gpu.length, 9);
  const err = maxDiff(gpu, cpu);
  assert.ok(err < 1e-4, `loss sequences differ by ${err}: ${gpu.join(', ')} vs ${cpu.join(', ')}`);
  const head = (gpu[0]! + gpu[1]! + gpu[2]!) / 3;
  const tail = (gpu[6]! + gpu[7]! + gpu[8]!) / 3;
  assert.ok(tail < head, `loss fell from ${head.toFixed(3)} to ${tail.toFixed(3)}`);
  console.log(`training on WebGPU: loss ${head.toFixed(4)} -> ${tail.toFixed(4)} over ${gpu.length} steps, max difference from the CPU run ${err.toExponential(1)}`);
});

void test('a GPU error fails every read until the backend is released, instead of passing zeros on', { skip }, async () => {
  await useWebGpu();
  const xs = Array.from({ length: 12 }, (_, i) => tf.fill([4], i + 1));
  const { sumTensors } = await import('../../src/ml/sum-tensors.js');
  const good = sumTensors(xs);
  assert.deepEqual(Array.from(await readBack(good)), [78, 78, 78, 78]);
  // tf.addN over more inputs than one shader may bind: WebGPU rejects the pipeline, and TF.js
  // alone would read zeros, here and (its pipeline cache now holding the failure) after.
  const bad = tf.addN(xs);
  await assert.rejects(readBack(bad), /WebGPU reported an error, so these results are invalid: .*storage buffers/);
  await assert.rejects(readBack(good), /WebGPU reported an error/);
  tf.dispose([...xs, bad, good]);
  releaseBackend();
  await useWebGpu();
  const again = sumTensors(Array.from({ length: 3 }, () => tf.ones([2])));
  assert.deepEqual(Array.from(await readBack(again)), [3, 3], 'a released and reloaded backend starts clean');
  again.dispose();
});

void test('releaseBackend takes navigator.gpu away; WebGPU loads again after; a process that used it exits', { skip }, async () => {
  await useWebGpu();
  releaseBackend();
  assert.equal((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined);
  await useWebGpu();
  const t = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
  assert.deepEqual(Array.from(await readBack(t)), [4, 6]);
  t.dispose();
  releaseBackend();
  // A fresh process: compute on WebGPU, release, and fall off the end; it must exit by itself.
  const backendUrl = new URL('../../src/ml/backend.js', import.meta.url).href;
  const script = `const b = await import(${JSON.stringify(backendUrl)}); const tf = await import('@tensorflow/tfjs-core');
    await b.initBackend('webgpu'); const x = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])); console.log((await x.data())[0]); b.releaseBackend();`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8', timeout: 120_000 });
  assert.equal(child.error, undefined, `the process did not exit: ${String(child.error)}`);
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim().split('\n').pop(), '64');
});

void test('auto takes WebGPU only on a hardware adapter: with software adapters alone it passes over them and says why', { skip }, async () => {
  const adapters = await listAdapters();
  const hardware = adapters.some((a) => !isSoftwareAdapter({}, a.name));
  // A fresh process: the backend is settled once per process, and this one may hold WebGPU.
  const backendModule = new URL('../../src/ml/backend.js', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(backendModule)}); const b = await m.initBackend('auto'); console.log(JSON.stringify({ b, log: m.backendLog() })); m.releaseBackend(); process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, LAYERFUSE_WEBGPU_ADAPTER: '' } });
  assert.equal(r.status, 0, r.stderr);
  const { b, log } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { b: string; log: string[] };
  if (hardware) {
    assert.ok(b === 'webgpu' || b === 'tensorflow-gpu', `auto chose ${b} with a hardware adapter present`);
  } else {
    assert.notEqual(b, 'webgpu');
    assert.match(log.join('\n'), /auto passed over .*webgpu: only software WebGPU adapters/);
  }
});
