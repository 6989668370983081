/**
 * Training: loss goes down on a small synthetic task, a seeded run repeats bitwise, AdamW and
 * the schedule follow their definitions, no tensors leak.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { forward, disposeResult } from '../../../src/ml/bert/forward.js';
import { AdamW, clipByGlobalNorm, linearWarmupDecay, train, type TrainOptions } from '../../../src/ml/train/index.js';
import { smallModel } from '../../util/bert-checkpoint.js';
import { batchesOf, synthetic } from './helpers.js';

const OPTS: TrainOptions = { epochs: 8, lr: 1e-2, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 11 };

void test('training lowers the loss and learns a synthetic task; a seeded run repeats bitwise', async () => {
  await initBackend('wasm');
  const data = synthetic(96, 1);
  const before = tf.memory().numTensors;
  const run = async (): Promise<{ losses: number[]; acc: number; progress: number }> => {
    const model = smallModel(4);
    let progress = 0;
    const r = await train(model, (e) => batchesOf(data, 16, e, 5), { ...OPTS, onProgress: (p) => (progress = p.step) });
    let correct = 0;
    for (const b of batchesOf(data, 32, 0, 9)) {
      const f = forward(model, b);
      const pred = tf.tidy(() => tf.argMax(f.logits, 1).dataSync() as Int32Array);
      pred.forEach((p, i) => (correct += p === b.labels![i] ? 1 : 0));
      disposeResult(f);
    }
    model.dispose();
    assert.equal(r.steps, 48);
    return { losses: r.losses, acc: correct / data.rows.length, progress };
  };
  const a = await run();
  const b = await run();
  assert.equal(a.progress, 48);
  assert.deepEqual(a.losses, b.losses, 'bitwise-equal loss sequence');
  const head = a.losses.slice(0, 6).reduce((x, y) => x + y) / 6;
  const tail = a.losses.slice(-6).reduce((x, y) => x + y) / 6;
  assert.ok(tail < head * 0.5, `loss fell from ${head.toFixed(3)} to ${tail.toFixed(3)}`);
  assert.ok(a.acc > 0.6, `train accuracy ${a.acc}`);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

void test('a different seed gives a different run (dropout is seeded, not fixed)', async () => {
  await initBackend('wasm');
  const data = synthetic(32, 2);
  const losses = [];
  for (const seed of [1, 2]) {
    const model = smallModel(4);
    losses.push((await train(model, (e) => batchesOf(data, 16, e, 5), { ...OPTS, epochs: 1, seed })).losses);
    model.dispose();
  }
  assert.notDeepEqual(losses[0], losses[1]);
});

void test('linear warmup then linear decay', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => linearWarmupDecay(s, 10, 2)), [0, 0.5, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125]);
  assert.equal(linearWarmupDecay(0, 10, 0), 1);
});

for (const mode of ['ops', 'heap'] as const) {
  void test(`AdamW (${mode}): first step moves by lr·sign(g); decoupled decay only where asked`, async () => {
    await initBackend('wasm');
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const b = tf.variable(tf.tensor1d([1, 1, 1]));
    const opt = new AdamW(new Map([['w.weight', w], ['w.bias', b]]), { weightDecay: 0.5, decay: (n) => n.endsWith('.weight'), mode });
    const gw = tf.tensor1d([0.1, -4, 0]);
    const gb = tf.tensor1d([2, 2, 2]);
    opt.step(new Map([['w.weight', gw], ['w.bias', gb]]), 0.1);
    // torch.optim.AdamW: p = p(1 - lr·wd) - lr·m̂/(√v̂ + eps); at t=1, m̂/√v̂ = sign(g).
    const got = Array.from(w.dataSync());
    const want = [1 * 0.95 - 0.1, -2 * 0.95 + 0.1, 3 * 0.95];
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `w[${i}] ${v} vs ${want[i]}`));
    assert.ok(Array.from(b.dataSync()).every((v) => Math.abs(v - 0.9) < 1e-5), 'bias: no decay');
    opt.dispose();
    tf.dispose([w, b, gw, gb]);
  });
}

void test('AdamW heap mode (a JS loop over the WASM heap) equals ops mode over several steps, shared storage included', async () => {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const init = (seed: number): tf.Variable => tf.tidy(() => tf.variable(tf.randomNormal([4, 5], 0, 1, 'float32', seed)));
  const runs = (['ops', 'heap'] as const).map((mode) => {
    const params = new Map([['a.weight', init(1)], ['a.bias', init(2)]]);
    // A live reshape shares a.bias's storage: an update must not write through it.
    const view = tf.reshape(params.get('a.bias')!, [20]);
    const viewBefore = Array.from(view.dataSync());
    const opt = new AdamW(params, { weightDecay: 0.1, decay: (n) => n.endsWith('.weight'), mode });
    assert.equal(opt.mode, mode);
    for (let t = 0; t < 4; t++) {
      const grads = new Map([...params.keys()].map((n, i) => [n, tf.randomNormal([4, 5], 0, 1, 'float32', 10 * t + i + 1)] as const));
      opt.step(grads, 0.01 * (t + 1));
      for (const g of grads.values()) g.dispose();
    }
    assert.deepEqual(Array.from(view.dataSync()), viewBefore);
    const out = [...params.values()].map((p) => Array.from(p.dataSync()));
    view.dispose();
    opt.dispose();
    for (const p of params.values()) p.dispose();
    return out;
  });
  runs[0]!.forEach((vals, k) => vals.forEach((x, i) => assert.ok(Math.abs(x - runs[1]![k]![i]!) < 1e-6, `param ${k}[${i}]: ops ${x}, heap ${runs[1]![k]![i]}`)));
  assert.equal(tf.memory().numTensors, before);
});

void test('global-norm clipping scales to the max norm and reports the norm', async () => {
  await initBackend('wasm');
  const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([3, 0])], ['b', tf.tensor1d([0, 4])]]);
  assert.ok(Math.abs((await clipByGlobalNorm(grads, 1)) - 5) < 1e-6);
  const after = tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(grads.get('a')!)), tf.sum(tf.square(grads.get('b')!)))).dataSync()[0]!);
  assert.ok(Math.abs(after - 1) < 1e-5);
  for (const g of grads.values()) g.dispose();
});
