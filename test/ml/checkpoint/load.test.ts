/**
 * Hugging Face checkpoints: load (ForSequenceClassification and bare BertModel, F32/F16/BF16,
 * legacy names, ignored buffers), export of pruned models, round trips, and every error case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { forward, disposeResult } from '../../../src/ml/bert/forward.js';
import type { BertClassifier } from '../../../src/ml/bert/model.js';
import { loadCheckpoint, exportCheckpoint } from '../../../src/ml/checkpoint/index.js';
import { encodeSafetensors, readSafetensors, type TensorData } from '../../../src/artifacts/index.js';
import type { Batch } from '../../../src/ml/types.js';
import { handBatch, smallModel, tempDir, writeVocab } from '../../util/bert-checkpoint.js';
import { sharedPath, skipWithoutShared } from '../../util/shared.js';

function logits(model: BertClassifier, batch: Batch, layers?: number[]): Float32Array {
  const r = forward(model, batch, layers ? { layers } : {});
  const out = r.logits.dataSync() as Float32Array;
  disposeResult(r);
  return out;
}

function hidden(model: BertClassifier, batch: Batch): Float32Array[] {
  const r = forward(model, batch, { capture: { hidden: true } });
  const out = r.hidden!.map((h) => h.dataSync() as Float32Array);
  disposeResult(r);
  return out;
}

/** A checkpoint directory written from a seeded model. */
async function exported(model: BertClassifier, layers?: number[]): Promise<{ dir: string; done: () => void }> {
  const t = tempDir();
  writeVocab(t.dir);
  await exportCheckpoint(model, t.dir, layers ? { layers } : {});
  return t;
}

function rewriteWeights(dir: string, edit: (m: Map<string, TensorData>) => Map<string, TensorData>): Promise<void> {
  return readSafetensors(join(dir, 'model.safetensors')).then((m) => writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(edit(m))));
}

function editConfig(dir: string, edit: (c: Record<string, unknown>) => void): void {
  const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  edit(c);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
}

void test('load -> export -> load gives identical logits; pruned export renumbers layers', async () => {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const model = smallModel(7);
  const batch = handBatch();
  const a = await exported(model);
  const b = tempDir();
  try {
    const first = await loadCheckpoint(a.dir);
    assert.deepEqual(logits(first.model, batch), logits(model, batch));
    await exportCheckpoint(first.model, b.dir, { tokenizer: [join(a.dir, 'vocab.txt')] });
    const second = await loadCheckpoint(b.dir);
    assert.deepEqual(logits(second.model, batch), logits(first.model, batch), 'bitwise equal logits');
    assert.deepEqual(second.config.labels, ['neg', 'neu', 'pos']);
    second.model.dispose();

    // Pruned: keep layers 0 and 2 -> a 2-layer checkpoint with layers 0, 1.
    const c = tempDir();
    await exportCheckpoint(first.model, c.dir, { layers: [0, 2], tokenizer: [join(a.dir, 'vocab.txt')] });
    const cfg = JSON.parse(readFileSync(join(c.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(cfg.num_hidden_layers, 2);
    assert.deepEqual(cfg.architectures, ['BertForSequenceClassification']);
    assert.deepEqual(cfg.id2label, { '0': 'neg', '1': 'neu', '2': 'pos' });
    assert.equal(cfg.hidden_act, 'gelu');
    const keys = [...(await readSafetensors(join(c.dir, 'model.safetensors'))).keys()];
    assert.ok(keys.includes('bert.encoder.layer.1.output.dense.weight'));
    assert.ok(!keys.some((k) => k.startsWith('bert.encoder.layer.2.')));
    const shapes = await readSafetensors(join(c.dir, 'model.safetensors'));
    assert.deepEqual(shapes.get('bert.encoder.layer.0.intermediate.dense.weight')!.shape, [32, 16], 'HF [out, in] layout');
    const pruned = await loadCheckpoint(c.dir);
    assert.deepEqual(logits(pruned.model, batch), logits(first.model, batch, [0, 2]));
    assert.equal(pruned.model.parameterCount(), first.model.parameterCount([0, 2]));
    pruned.model.dispose();
    c.done();
    first.model.dispose();
  } finally {
    a.done();
    b.done();
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

void test('F16 and BF16 weights load (widened to float32)', async () => {
  await initBackend('wasm');
  const model = smallModel(3);
  const batch = handBatch();
  const ref = logits(model, batch);
  for (const dtype of ['F16', 'BF16'] as const) {
    const t = await exported(model);
    await rewriteWeights(t.dir, (m) => {
      const out = new Map<string, TensorData>();
      for (const [k, v] of m) {
        const f = v.data as Float32Array;
        const u16 = new Uint16Array(f.length);
        const bits = new Uint32Array(f.buffer, f.byteOffset, f.length);
        for (let i = 0; i < f.length; i++) {
          if (dtype === 'BF16') u16[i] = bits[i]! >>> 16;
          else {
            // float -> half, round toward zero (normal range is enough for these weights)
            const x = f[i]!;
            const s = x < 0 ? 0x8000 : 0;
            const a = Math.abs(x);
            if (a < 6.1e-5) u16[i] = s | Math.round(a / 2 ** -24);
            else {
              const e = Math.floor(Math.log2(a));
              u16[i] = s | ((e + 15) << 10) | Math.floor((a / 2 ** e - 1) * 1024);
            }
          }
        }
        out.set(k, { dtype, shape: v.shape, data: u16 });
      }
      return out;
    });
    const loaded = await loadCheckpoint(t.dir);
    const got = logits(loaded.model, batch);
    const err = Math.max(...Array.from(got, (v, i) => Math.abs(v - ref[i]!)));
    assert.ok(err < (dtype === 'F16' ? 5e-3 : 3e-2), `${dtype} logits within rounding, got ${err}`);
    assert.ok(err > 0, `${dtype} was really rounded`);
    loaded.model.dispose();
    t.done();
  }
  model.dispose();
});

void test('bare BertModel (no prefix, gamma/beta, pretraining heads, position_ids) gets a seeded new head', async () => {
  await initBackend('wasm');
  const model = smallModel(5);
  const batch = handBatch();
  const t = await exported(model);
  try {
    await rewriteWeights(t.dir, (m) => {
      const out = new Map<string, TensorData>();
      for (const [k, v] of m) {
        if (k.startsWith('classifier.')) continue;
        out.set(k.replace(/^bert\./, '').replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), v);
      }
      out.set('cls.predictions.bias', { dtype: 'F32', shape: [30], data: new Float32Array(30) });
      out.set('embeddings.position_ids', { dtype: 'I64', shape: [1, 20], data: new BigInt64Array(20) });
      return out;
    });
    editConfig(t.dir, (c) => {
      c.architectures = ['BertModel'];
      delete c.id2label;
      delete c.label2id;
    });
    await assert.rejects(loadCheckpoint(t.dir), /no classifier \(a bare BertModel checkpoint\): give num_labels or labels/);
    const a = await loadCheckpoint(t.dir, { labels: ['x', 'y'], seed: 9 });
    const b = await loadCheckpoint(t.dir, { numLabels: 2, seed: 9 });
    assert.equal(a.newHead, true);
    assert.deepEqual(a.ignored.sort(), ['cls.predictions.bias', 'embeddings.position_ids']);
    assert.deepEqual(a.config.labels, ['x', 'y']);
    assert.deepEqual(b.config.labels, ['LABEL_0', 'LABEL_1']);
    assert.deepEqual(logits(a.model, batch), logits(b.model, batch), 'same seed, same head');
    assert.deepEqual(hidden(a.model, batch), hidden(model, batch), 'encoder weights loaded');
    a.model.dispose();
    b.model.dispose();
  } finally {
    t.done();
    model.dispose();
  }
});

void test('checkpoint errors name the file and the problem', async () => {
  await initBackend('wasm');
  const model = smallModel(2);
  const t = await exported(model);
  const fresh = async (): Promise<string> => {
    const d = tempDir();
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) copyFileSync(join(t.dir, f), join(d.dir, f));
    cleanups.push(d.done);
    return d.dir;
  };
  const cleanups: Array<() => void> = [t.done];
  try {
    await assert.rejects(loadCheckpoint(join(t.dir, 'nope')), /checkpoint directory not found/);
    let d = await fresh();
    rmSync(join(d, 'config.json'));
    await assert.rejects(loadCheckpoint(d), /config\.json: missing/);
    d = await fresh();
    rmSync(join(d, 'model.safetensors'));
    writeFileSync(join(d, 'pytorch_model.bin'), 'x');
    await assert.rejects(loadCheckpoint(d), /model\.safetensors: missing \(found pytorch_model\.bin/);
    d = await fresh();
    rmSync(join(d, 'vocab.txt'));
    await assert.rejects(loadCheckpoint(d), /no tokenizer \(needs vocab\.txt or tokenizer\.json\)/);
    d = await fresh();
    editConfig(d, (c) => (c.model_type = 'roberta'));
    await assert.rejects(loadCheckpoint(d), /config\.json: unsupported model_type "roberta"/);
    d = await fresh();
    await rewriteWeights(d, (m) => {
      m.delete('bert.encoder.layer.1.output.dense.bias');
      m.set('bert.encoder.layer.1.output.extra', { dtype: 'F32', shape: [2], data: new Float32Array(2) });
      const q = m.get('bert.pooler.dense.weight')!;
      m.set('bert.pooler.dense.weight', { dtype: 'F32', shape: [8, 32], data: q.data });
      return m;
    });
    await assert.rejects(loadCheckpoint(d), (e: Error) => {
      assert.match(e.message, /model\.safetensors: missing tensors:\n\s+bert\.encoder\.layer\.1\.output\.dense\.bias \[16\]/);
      assert.match(e.message, /shape mismatches:\n\s+bert\.pooler\.dense\.weight: file \[8,32\], config wants \[16,16\]/);
      assert.match(e.message, /unexpected tensors:\n\s+bert\.encoder\.layer\.1\.output\.extra \[2\]/);
      return true;
    });
    d = await fresh();
    const bytes = readFileSync(join(d, 'model.safetensors'));
    writeFileSync(join(d, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    await assert.rejects(loadCheckpoint(d), /model\.safetensors: truncated: tensor \S+ ends at byte \d+ of the data but the file holds only \d+ data bytes/);
    writeFileSync(join(d, 'model.safetensors'), bytes.subarray(0, 5));
    await assert.rejects(loadCheckpoint(d), /model\.safetensors: truncated: 5 bytes/);
    const bad = Buffer.alloc(8 + 4);
    bad.writeBigUInt64LE(4n, 0);
    bad.write('{{{{', 8);
    writeFileSync(join(d, 'model.safetensors'), bad);
    await assert.rejects(loadCheckpoint(d), /model\.safetensors: bad header: not JSON/);
  } finally {
    for (const c of cleanups) c();
    model.dispose();
  }
});

void test('loadCheckpoint reproduces the HF fixture logits', { skip: skipWithoutShared() }, async () => {
  await initBackend('wasm');
  const loaded = await loadCheckpoint(sharedPath('fixtures', 'tiny-bert'));
  const { cases } = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'cases.json'), 'utf8')) as {
    cases: Array<{ input_ids: number[][]; attention_mask: number[][]; expected: { logits: number[][] } }>;
  };
  const c = cases[0]!;
  const batch: Batch = { batchSize: c.input_ids.length, seqLen: c.input_ids[0]!.length, inputIds: Int32Array.from(c.input_ids.flat()), attentionMask: Int32Array.from(c.attention_mask.flat()) };
  const got = logits(loaded.model, batch);
  const want = c.expected.logits.flat();
  assert.ok(want.every((v, i) => Math.abs(v - got[i]!) < 1e-4));
  assert.equal(loaded.files.tokenizer['vocab.txt'], sharedPath('fixtures', 'tiny-bert', 'vocab.txt'));
  assert.deepEqual(loaded.config.labels, ['L0', 'L1', 'L2']);
  loaded.model.dispose();
});
