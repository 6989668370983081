/**
 * model/export's `format`: `onnx` writes onnx/model.onnx beside config.json and the tokenizer
 * files (the layout transformers.js and Optimum read) without model.safetensors, `both` writes
 * the two, `hf` (the default) what it always wrote; the ONNX file of a pruned export, opened
 * in a fresh ONNX Runtime session, gives the model's logits over the kept layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Artifact, FilesManifest } from '../../src/artifacts/index.js';
import { ExecContext } from '../../src/executor/node-context.js';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { initBackend } from '../../src/ml/backend.js';
import { disposeResult, forward } from '../../src/ml/bert/forward.js';
import { storeModel } from '../../src/ml/bert/store.js';
import { BertTokenizer, bertTokenizerJson, storeTokenizer } from '../../src/ml/tokenizer/index.js';
import { exportNode as exportNodeDecl } from '../../src/nodes/model.js';
import { handBatch, smallModel, tempDir } from '../util/bert-checkpoint.js';
import { nodeType } from '../util/node-types.js';

const exportNode = nodeType(exportNodeDecl);
const TOKENIZER_FILES = ['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt'];

void test('model/export format onnx and both: onnx/model.onnx gives the pruned logits in a fresh session', async () => {
  await initBackend('wasm');
  const t = tempDir();
  const model = smallModel(5);
  try {
    const ctx = new ExecContext({ nodeId: 'export', pipelineDir: t.dir, tmpDir: t.dir, backend: 'wasm', signal: new AbortController().signal, cache: new MemoryCache(), logFile: join(t.dir, 'log.txt') });
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...Array.from({ length: 25 }, (_, i) => `w${i}`)];
    const tokenizer = await storeTokenizer(ctx, new BertTokenizer(bertTokenizerJson(vocab, { lowercase: true }), { maxLength: 16 }));
    const manifest = await storeModel(ctx, model, { tokenizer });
    const input = { model: { type: 'model', manifest, digest: 'x', from: { node: 'up', port: 'model' } } satisfies Artifact };
    const files = async (params: Record<string, unknown>): Promise<FilesManifest> => (await exportNode.run(ctx, params, input)).files as FilesManifest;

    assert.deepEqual(Object.keys((await files({ format: 'hf' })).files).sort(), ['config.json', 'model.safetensors', ...TOKENIZER_FILES]);
    assert.deepEqual(Object.keys((await files({})).files).sort(), ['config.json', 'model.safetensors', ...TOKENIZER_FILES], 'hf is the default');
    assert.deepEqual(Object.keys((await files({ format: 'both', layers: [0, 2] })).files).sort(), ['config.json', 'model.safetensors', 'onnx/model.onnx', ...TOKENIZER_FILES]);
    const onnx = await files({ format: 'onnx', layers: [0, 2] });
    assert.deepEqual(Object.keys(onnx.files).sort(), ['config.json', 'onnx/model.onnx', ...TOKENIZER_FILES]);

    const out = join(t.dir, 'out');
    for (const [name, ref] of Object.entries(onnx.files)) {
      mkdirSync(dirname(join(out, name)), { recursive: true });
      writeFileSync(join(out, name), await ctx.getBytes(ref));
    }
    const config = JSON.parse(new TextDecoder().decode(await ctx.getBytes(onnx.files['config.json']!))) as { num_hidden_layers: number; id2label: Record<string, string> };
    assert.equal(config.num_hidden_layers, 2);
    assert.deepEqual(config.id2label, { 0: 'neg', 1: 'neu', 2: 'pos' });

    const batch = handBatch();
    const r = forward(model, batch, { layers: [0, 2] });
    const want = Array.from(r.logits.dataSync());
    disposeResult(r);
    const session = await ort.InferenceSession.create(join(out, 'onnx/model.onnx'));
    try {
      const dims = [batch.batchSize, batch.seqLen];
      const t64 = (a: Int32Array): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(a, (v) => BigInt(v)), dims);
      const got = await session.run({ input_ids: t64(batch.inputIds), attention_mask: t64(batch.attentionMask), token_type_ids: t64(new Int32Array(batch.inputIds.length)) });
      const logits = got.logits!.data as Float32Array;
      const diff = Math.max(...want.map((w, i) => Math.abs(w - logits[i]!)));
      assert.ok(diff < 1e-4, `max abs diff ${diff}`);
    } finally {
      await session.release();
    }
  } finally {
    model.dispose();
    t.done();
  }
});
