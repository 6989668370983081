/**
 * Engine selection, and parity between the engines it returns: onnxruntime and tfjs give the
 * same logits within 1e-4 on the tiny-bert fixture's cases (with and without removed layers,
 * layer by layer and through `logits`), and on a seeded model with sentence-pair token types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/ml/backend.js';
import { createEngine, EngineError, resolveEngine } from '../../../src/ml/engine/select.js';
import { engineModelOf, type EngineModel } from '../../../src/ml/engine/model.js';
import type { LayerEngine } from '../../../src/ml/engine/types.js';
import type { Batch } from '../../../src/ml/types.js';
import { skipWithoutShared } from '../../util/shared.js';
import { smallModel } from '../../util/bert-checkpoint.js';
import { caseBatch, layerByLayer, maxAbsDiff, tinyBert } from '../onnx/fixture.js';

async function both(model: EngineModel): Promise<[LayerEngine, LayerEngine]> {
  const ort = await createEngine(model, { engine: 'onnxruntime', threads: 1 });
  const tfjs = await createEngine(model, { engine: 'tfjs', backend: 'wasm' });
  return [ort, tfjs];
}

void test('resolveEngine and createEngine: names, auto picks onnxruntime, unknown requests are refused', async () => {
  await initBackend('wasm');
  assert.deepEqual(await resolveEngine(), { kind: 'onnxruntime', name: 'onnxruntime-cpu' });
  assert.deepEqual(await resolveEngine({ engine: 'onnxruntime', provider: 'cuda' }), { kind: 'onnxruntime', name: 'onnxruntime-cuda' });
  assert.deepEqual(await resolveEngine({ engine: 'tfjs', backend: 'wasm' }), { kind: 'tfjs', name: 'tfjs-wasm' });
  const model = await engineModelOf(smallModel(1));
  const auto = await createEngine(model, { threads: 1 });
  const tfjs = await createEngine(model, { engine: 'tfjs', backend: 'wasm' });
  try {
    assert.equal(auto.name, 'onnxruntime-cpu');
    assert.equal(tfjs.name, 'tfjs-wasm');
    assert.deepEqual(auto.layers, [0, 1, 2]);
  } finally {
    await auto.dispose();
    await tfjs.dispose();
  }
  await assert.rejects(createEngine(model, { engine: 'onnx' }), (e: Error) => e instanceof EngineError && /unknown engine "onnx" \(choose one of auto, onnxruntime, tfjs\)/.test(e.message));
  await assert.rejects(resolveEngine({ provider: 'rocm' }), /unknown ONNX Runtime provider "rocm" \(choose one of cpu, cuda\)/);
});

void test('onnxruntime and tfjs agree within 1e-4 on the tiny-bert cases, layer by layer and whole', { skip: skipWithoutShared() }, async () => {
  const { model, cases } = await tinyBert();
  const [ort, tfjs] = await both(model);
  try {
    let worst = 0;
    for (const c of cases) {
      const kept = model.layers.filter((l) => !c.skip_layers.includes(l));
      const batch = caseBatch(c);
      const a = await layerByLayer(ort, batch, kept);
      const b = await layerByLayer(tfjs, batch, kept);
      worst = Math.max(worst, maxAbsDiff(a, b), maxAbsDiff(await tfjs.logits!(batch, kept), b));
      worst = Math.max(worst, maxAbsDiff(a, c.expected.logits.flat()));
    }
    assert.ok(worst < 1e-4, `max abs diff ${worst}`);
  } finally {
    await ort.dispose();
    await tfjs.dispose();
  }
});

void test('onnxruntime and tfjs agree on a seeded model with token types and a pruned layer set', async () => {
  await initBackend('wasm');
  const tf = smallModel(7, { numLayers: 4 });
  const model = await engineModelOf(tf);
  tf.dispose();
  const rows = [
    [2, 5, 9, 3, 11, 17, 3, 0],
    [2, 7, 3, 8, 3, 0, 0, 0],
    [2, 13, 8, 6, 12, 21, 3, 0],
  ];
  const S = rows[0]!.length;
  const batch: Batch = {
    batchSize: rows.length,
    seqLen: S,
    inputIds: Int32Array.from(rows.flat()),
    attentionMask: Int32Array.from(rows.flatMap((r) => r.map((t, i) => (i === 0 || t !== 0 ? 1 : 0)))),
    tokenTypeIds: Int32Array.from(rows.flatMap((r) => r.map((t, i) => (i > r.indexOf(3) && t !== 0 ? 1 : 0)))),
  };
  const [ort, tfjs] = await both(model);
  try {
    for (const kept of [[0, 1, 2, 3], [1, 3], []]) {
      const d = maxAbsDiff(await layerByLayer(ort, batch, kept), await layerByLayer(tfjs, batch, kept));
      assert.ok(d < 1e-4, `kept [${kept.join(',')}]: max abs diff ${d}`);
    }
    await assert.rejects(ort.layer(9, await ort.embed(batch), batch), /layer 9 is not in this model/);
    await assert.rejects(ort.embed({ ...batch, inputIds: batch.inputIds.map((x) => x + 100) }), /token id \d+ outside the vocabulary \(size 30\)/);
  } finally {
    await ort.dispose();
    await tfjs.dispose();
  }
});
