/**
 * The ONNX Runtime engine against Hugging Face's reference logits (tiny-bert fixture) and the
 * TF.js forward: layer by layer and whole-graph, with and without removed layers, within 1e-4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrtLayerEngine } from '../../../src/ml/onnx/engine.js';
import { skipWithoutShared } from '../../util/shared.js';
import { caseBatch, layerByLayer, maxAbsDiff, tinyBert } from './fixture.js';

for (const [fused, layerGraphs] of [[false, 'per-layer'], [true, 'per-layer'], [true, 'shared']] as const) void test(`onnxruntime reproduces the HF tiny-bert logits layer by layer and whole-graph (fused ${fused}, ${layerGraphs})`, { skip: skipWithoutShared() }, async () => {
  const { model, cases } = await tinyBert();
  const engine = await OrtLayerEngine.create(model, { threads: 1, wholeGraphs: 2, fusedAttention: fused, layerGraphs });
  try {
    assert.equal(engine.name, 'onnxruntime-cpu');
    let worst = 0;
    for (const c of cases) {
      const kept = model.layers.filter((l) => !c.skip_layers.includes(l));
      const want = c.expected.logits.flat();
      worst = Math.max(worst, maxAbsDiff(await layerByLayer(engine, caseBatch(c), kept), want));
      worst = Math.max(worst, maxAbsDiff(await engine.logits!(caseBatch(c), kept), want));
    }
    assert.ok(worst < 1e-4, `max abs error ${worst}`);
  } finally {
    await engine.dispose();
  }
});
