/**
 * The custom (plain-matMul) gradients agree with TF.js autodiff of a reference forward, and the
 * loss + grads + capture pass leaks nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { makeConfig } from '../../../src/ml/bert/config.js';
import { lossAndGrads, disposeLossAndGrads, crossEntropy } from '../../../src/ml/bert/gradients.js';
import { forward, disposeResult } from '../../../src/ml/bert/forward.js';
import { mm } from '../../../src/ml/bert/ops.js';
import type { Batch } from '../../../src/ml/types.js';
import { readFileSync } from 'node:fs';
import { configFromHF } from '../../../src/ml/bert/config.js';
import { readSafetensors } from '../../../src/artifacts/safetensors.js';
import { sharedPath, skipWithoutShared } from '../../util/shared.js';

function toyBatch(): Batch {
  const ids = [
    [2, 5, 9, 11, 3, 0],
    [2, 7, 7, 3, 0, 0],
    [2, 13, 8, 6, 12, 3],
  ];
  return {
    batchSize: 3,
    seqLen: 6,
    inputIds: Int32Array.from(ids.flat()),
    attentionMask: Int32Array.from(ids.flat().map((t, i) => (t !== 0 || i % 6 === 0 ? 1 : 0))),
    labels: Int32Array.from([0, 1, 1]),
  };
}

void test('mm custom gradient equals autodiff of matMul (2D and batched 4D)', async () => {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  for (const [sa, sb] of [
    [[5, 4], [4, 3]],
    [[2, 3, 5, 4], [2, 3, 4, 6]],
  ] as const) {
    const a = tf.randomNormal([...sa], 0, 1, 'float32', 1);
    const b = tf.randomNormal([...sb], 0, 1, 'float32', 2);
    const w = tf.randomNormal([...sa.slice(0, -1), sb[sb.length - 1]!], 0, 1, 'float32', 3);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), w)))([a, b]);
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    for (let i = 0; i < 2; i++) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours[i]!, ref[i]!))).dataSync()[0]!);
      assert.ok(diff < 1e-5, `grad ${i} differs by ${diff}`);
    }
    tf.dispose([a, b, w, ...ours, ...ref]);
  }
  assert.equal(tf.memory().numTensors, before);
});

for (const mode of [{ name: 'eval mode', opts: {} }, { name: 'train mode, seeded dropout 0.3', opts: { training: true, seed: 9, dropout: 0.3 } }]) {
  void test(`lossAndGrads matches central finite differences of the loss (${mode.name})`, async () => {
    await initBackend('wasm');
    const config = makeConfig({ vocabSize: 20, numLabels: 2, hiddenSize: 8, numLayers: 2, numHeads: 2, intermediateSize: 16, maxPositions: 16 });
    const model = BertClassifier.create(config, { seed: 3 });
    const batch = toyBatch();
    const before = tf.memory().numTensors;
    const r = await lossAndGrads(model, batch, { ...mode.opts, capture: { hidden: true, attention: true, ffnPre: true } });
    assert.equal(r.grads.size, model.paramNames().length);
    assert.equal(r.forward.hidden!.length, 3);
    assert.deepEqual(r.forward.attention![0]!.shape, [3, 2, 6, 6]);
    assert.deepEqual(r.forward.ffnPre![1]!.shape, [3, 6, 16]);
    const lossAt = (): number =>
      tf.tidy(() => {
        const f = forward(model, batch, mode.opts);
        const l = crossEntropy(f.logits, tf.tensor1d(batch.labels!, 'int32')).dataSync()[0]!;
        disposeResult(f);
        return l;
      });
    assert.ok(Math.abs(lossAt() - r.loss) < 1e-6);
    if (mode.opts.training) {
      // Dropout is really on: the eval-mode loss differs.
      const evalLoss = tf.tidy(() => crossEntropy(forward(model, batch).logits, tf.tensor1d(batch.labels!, 'int32')).dataSync()[0]!);
      assert.ok(Math.abs(evalLoss - r.loss) > 1e-4, `train ${r.loss} vs eval ${evalLoss}`);
    }
    // Probe a few entries of kernels (held [in, out]), biases, LayerNorm and embeddings.
    const probes: Array<[string, number]> = [
      ['bert.encoder.layer.0.attention.self.query.weight', 5],
      ['bert.encoder.layer.1.attention.self.key.weight', 17],
      ['bert.encoder.layer.1.attention.self.key.bias', 3],
      ['bert.encoder.layer.0.attention.self.query.bias', 6],
      ['bert.encoder.layer.0.attention.output.dense.weight', 21],
      ['bert.encoder.layer.1.attention.output.LayerNorm.bias', 5],
      ['bert.encoder.layer.0.output.dense.weight', 77],
      ['bert.encoder.layer.0.attention.self.value.weight', 3],
      ['bert.encoder.layer.1.intermediate.dense.weight', 40],
      ['bert.encoder.layer.0.output.dense.bias', 2],
      ['bert.encoder.layer.1.output.LayerNorm.weight', 4],
      ['bert.embeddings.word_embeddings.weight', 7 * 8 + 3],
      ['bert.pooler.dense.weight', 9],
      ['classifier.weight', 1],
    ];
    const h = 1e-2;
    for (const [name, idx] of probes) {
      const v = model.param(name);
      const orig = v.dataSync().slice() as Float32Array;
      const at = (delta: number): number => {
        const d = orig.slice();
        d[idx] = d[idx]! + delta;
        const t = tf.tensor(d, v.shape);
        v.assign(t);
        t.dispose();
        return lossAt();
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      const back = tf.tensor(orig, v.shape);
      v.assign(back);
      back.dispose();
      const g = r.grads.get(name)!.dataSync()[idx]!;
      assert.ok(Math.abs(fd - g) < 2e-3 + 0.05 * Math.abs(fd), `${name}[${idx}]: analytic ${g}, numeric ${fd}`);
    }
    disposeLossAndGrads(r);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    model.dispose();
  });
}

void test('embedding gradient sums repeated ids (ScatterNd on WASM)', async () => {
  await initBackend('wasm');
  const { embed } = await import('../../../src/ml/bert/ops.js');
  const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
  const up = tf.tensor2d([[1, 1], [2, 2], [3, 3], [4, 4]]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embed(t, ids), up)))(table);
  assert.deepEqual(Array.from(g.dataSync()), [2, 2, 0, 0, 8, 8]);
  tf.dispose([table, ids, up, g]);
});

void test('per-layer gradient statistics reproduce the fixture (PyTorch) gradient-magnitudes and fisher', { skip: skipWithoutShared() }, async () => {
  await initBackend('wasm');
  const dir = sharedPath('fixtures', 'tiny-bert');
  const config = configFromHF(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as Record<string, unknown>, 'config.json');
  const model = BertClassifier.fromHF(config, await readSafetensors(`${dir}/model.safetensors`));
  const fx = JSON.parse(readFileSync(`${dir}/signals.json`, 'utf8')) as {
    input_ids: number[][];
    attention_mask: number[][];
    labels: number[];
    params: { 'gradient-magnitudes': { batch: number } };
    scores: Record<string, number[]>;
  };
  const bs = fx.params['gradient-magnitudes'].batch;
  const L = config.numLayers;
  const mag = new Array<number>(L).fill(0);
  const fisher = new Array<number>(L).fill(0);
  let batches = 0;
  const before = tf.memory().numTensors;
  for (let i = 0; i < fx.input_ids.length; i += bs) {
    const ids = fx.input_ids.slice(i, i + bs);
    const S = ids[0]!.length;
    const batch: Batch = {
      batchSize: ids.length,
      seqLen: S,
      inputIds: Int32Array.from(ids.flat()),
      attentionMask: Int32Array.from(fx.attention_mask.slice(i, i + bs).flat()),
      labels: Int32Array.from(fx.labels.slice(i, i + bs)),
    };
    const r = await lossAndGrads(model, batch);
    for (let l = 0; l < L; l++) {
      let abs = 0;
      let sq = 0;
      let n = 0;
      for (const [name, g] of r.grads) {
        if (!name.startsWith(`bert.encoder.layer.${l}.`)) continue;
        for (const v of g.dataSync()) {
          abs += Math.abs(v);
          sq += v * v;
          n++;
        }
      }
      mag[l]! += abs / n;
      fisher[l]! += sq / n;
    }
    batches++;
    disposeLossAndGrads(r);
  }
  assert.equal(tf.memory().numTensors, before);
  for (let l = 0; l < L; l++) {
    const m = mag[l]! / batches;
    const f = fisher[l]! / batches;
    const em = fx.scores['gradient-magnitudes']![l]!;
    const ef = fx.scores['gradient-fisher']![l]!;
    assert.ok(Math.abs(m - em) <= 1e-4 * Math.abs(em) + 1e-9, `layer ${l} mean |g| ${m} vs ${em}`);
    assert.ok(Math.abs(f - ef) <= 1e-3 * Math.abs(ef) + 1e-12, `layer ${l} mean g^2 ${f} vs ${ef}`);
  }
  model.dispose();
});

void test('segment-wise backward (per-layer recompute) equals the whole-model backward, captures included', async () => {
  await initBackend('wasm');
  const config = makeConfig({ vocabSize: 20, numLabels: 2, hiddenSize: 8, numLayers: 3, numHeads: 2, intermediateSize: 16, maxPositions: 16 });
  const model = BertClassifier.create(config, { seed: 5 });
  const batch = toyBatch();
  const before = tf.memory().numTensors;
  for (const opts of [{ layers: [0, 2], capture: { hidden: true, attention: true, ffnPre: true } }, { training: true, seed: 4, dropout: 0.2 }]) {
    const full = await lossAndGrads(model, batch, { ...opts, segment: false });
    const seg = await lossAndGrads(model, batch, { ...opts, segment: true });
    assert.ok(Math.abs(full.loss - seg.loss) < 1e-6, `loss ${full.loss} vs ${seg.loss}`);
    assert.deepEqual([...seg.grads.keys()].sort(), [...full.grads.keys()].sort());
    for (const [name, g] of full.grads) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g, seg.grads.get(name)!))).dataSync()[0]!);
      assert.ok(diff < 1e-5, `${name} differs by ${diff}`);
    }
    const pairs: Array<[tf.Tensor[] | undefined, tf.Tensor[] | undefined]> = [
      [[full.forward.logits], [seg.forward.logits]],
      [full.forward.hidden, seg.forward.hidden],
      [full.forward.attention, seg.forward.attention],
      [full.forward.ffnPre, seg.forward.ffnPre],
    ];
    for (const [a, b] of pairs) {
      assert.equal(a?.length, b?.length);
      a?.forEach((t, i) => assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(t, b![i]!))).dataSync()[0]!) < 1e-5));
    }
    disposeLossAndGrads(full);
    disposeLossAndGrads(seg);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  model.dispose();
});
