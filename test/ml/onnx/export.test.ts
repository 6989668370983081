/**
 * The deployable ONNX file: a pruned model's export, opened in a fresh ONNX Runtime session
 * with default options (as a user would), gives the project's TF.js logits; its interface is
 * the one Hugging Face's Optimum exports (int64 input_ids, attention_mask, token_type_ids with
 * dynamic batch and sequence axes; float logits) and it uses standard ONNX ops only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { initBackend } from '../../../src/ml/backend.js';
import { disposeResult, forward } from '../../../src/ml/bert/forward.js';
import { engineModelOf } from '../../../src/ml/engine/model.js';
import { exportOnnx } from '../../../src/ml/onnx/export.js';
import { smallModel, tempDir } from '../../util/bert-checkpoint.js';
import { maxAbsDiff } from './fixture.js';

/** Rows of different lengths, padded, with both token types (a sentence pair). */
function pairBatch(): { ids: number[][]; mask: number[][]; types: number[][] } {
  const ids = [
    [2, 5, 9, 3, 11, 3, 0, 0],
    [2, 7, 3, 8, 8, 12, 21, 3],
    [2, 29, 3, 0, 0, 0, 0, 0],
  ];
  const mask = ids.map((r) => r.map((t, i) => (i === 0 || t !== 0 ? 1 : 0)));
  const types = ids.map((r) => {
    const sep = r.indexOf(3);
    return r.map((t, i) => (i > sep && t !== 0 ? 1 : 0));
  });
  return { ids, mask, types };
}

void test('the ONNX export of a pruned model gives the TF.js logits in a separate session', async () => {
  await initBackend('wasm');
  const model = smallModel(3, { numLayers: 4, typeVocabSize: 2 });
  const kept = [0, 2, 3];
  const { ids, mask, types } = pairBatch();
  const B = ids.length;
  const S = ids[0]!.length;
  const r = forward(model, { batchSize: B, seqLen: S, inputIds: Int32Array.from(ids.flat()), attentionMask: Int32Array.from(mask.flat()), tokenTypeIds: Int32Array.from(types.flat()) }, { layers: kept });
  const want = Array.from(r.logits.dataSync());
  disposeResult(r);
  const em = await engineModelOf(model);
  const bytes = exportOnnx({ ...em, layers: kept });
  model.dispose();

  const { dir, done } = tempDir();
  try {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, bytes);
    const session = await ort.InferenceSession.create(path);
    try {
      assert.deepEqual(session.inputNames, ['input_ids', 'attention_mask', 'token_type_ids']);
      assert.deepEqual(session.outputNames, ['logits']);
      for (const m of session.inputMetadata) assert.ok(m.isTensor && m.type === 'int64' && m.shape.every((d) => typeof d === 'string'), `${m.name}: int64 with dynamic axes`);
      const t = (rows: number[][]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0]!.length]);
      const out = await session.run({ input_ids: t(ids), attention_mask: t(mask), token_type_ids: t(types) });
      assert.deepEqual(out.logits!.dims, [B, 3]);
      const diff = maxAbsDiff(out.logits!.data as Float32Array, want);
      assert.ok(diff < 1e-4, `max abs diff ${diff}`);
      // A shorter batch through the same session: the axes really are dynamic.
      const one = await session.run({ input_ids: t([ids[2]!.slice(0, 3)]), attention_mask: t([mask[2]!.slice(0, 3)]), token_type_ids: t([types[2]!.slice(0, 3)]) });
      assert.ok(maxAbsDiff(one.logits!.data as Float32Array, want.slice(6, 9)) < 1e-4);
    } finally {
      await session.release();
    }
  } finally {
    done();
  }

  const graph = onnxProto.onnx.ModelProto.decode(bytes);
  assert.deepEqual([...new Set(graph.graph!.node!.map((n) => n.domain ?? ''))], [''], 'standard ONNX ops only');
  assert.deepEqual(graph.opsetImport!.map((o) => [o.domain, Number(o.version)]), [['', 17]]);
  const layerNames = [...new Set(graph.graph!.initializer!.map((i) => /^bert\.encoder\.layer\.(\d+)\./.exec(i.name!)?.[1]).filter((x) => x !== undefined))];
  assert.deepEqual(layerNames, ['0', '1', '2'], 'kept layers renumbered 0..k-1');
});
