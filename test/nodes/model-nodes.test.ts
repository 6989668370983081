/**
 * The model nodes through a real node context (memory cache): model/load of a HF directory,
 * model/export (full and pruned) that loads back with the same logits, model/train from scratch
 * and model/finetune with progress, and the artifact helpers (withLayers shares blobs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { ExecContext } from '../../src/executor/node-context.js';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { initBackend } from '../../src/ml/backend.js';
import { forward, disposeResult } from '../../src/ml/bert/forward.js';
import type { BertClassifier } from '../../src/ml/bert/model.js';
import { exportCheckpoint, loadCheckpoint } from '../../src/ml/checkpoint/index.js';
import { storeDataset } from '../../src/ml/data/index.js';
import type { Batch, Example } from '../../src/ml/types.js';
import { exportNode as exportNodeDecl, finetuneNode as finetuneNodeDecl, loadNode as loadNodeDecl, trainNode as trainNodeDecl } from '../../src/nodes/model.js';
import { manifestParameterCount, withLayers, type ModelManifest } from '../../src/ml/bert/manifest.js';
import { loadModel } from '../../src/ml/bert/store.js';
import type { Artifact, FilesManifest, Progress } from '../../src/artifacts/index.js';
import { registry } from '../../src/nodes/registry.js';
import { handBatch, smallModel, tempDir, writeVocab } from '../util/bert-checkpoint.js';
import { nodeType } from '../util/node-types.js';

const exportNode = nodeType(exportNodeDecl);
const finetuneNode = nodeType(finetuneNodeDecl);
const loadNode = nodeType(loadNodeDecl);
const trainNode = nodeType(trainNodeDecl);

const cache = new MemoryCache();

function context(dir: string, progress: Progress[] = []): ExecContext {
  const tmp = join(dir, 'tmp', String(Math.random()).slice(2));
  mkdirSync(tmp, { recursive: true });
  return new ExecContext({
    nodeId: 'test.model',
    pipelineDir: dir,
    tmpDir: tmp,
    backend: 'wasm',
    signal: new AbortController().signal,
    cache,
    logFile: join(dir, 'log.txt'),
    onProgress: (p) => progress.push(p),
  });
}

function artifact(type: Artifact['type'], manifest: unknown): Artifact {
  return { type, manifest, digest: 'x', from: { node: 'up', port: 'out' } };
}

function logits(model: BertClassifier, batch: Batch, layers?: number[]): number[] {
  const r = forward(model, batch, layers ? { layers } : {});
  const out = Array.from(r.logits.dataSync());
  disposeResult(r);
  return out;
}

void test('the model family is registered', () => {
  for (const t of ['model/load', 'model/train', 'model/finetune', 'model/export']) assert.ok(registry.has(t), t);
});

void test('model/load -> manifest -> model/export (full and pruned) load back with the same logits', async () => {
  await initBackend('wasm');
  const t = tempDir();
  const source = smallModel(8);
  try {
    writeVocab(join(t.dir, 'ckpt').replace(/ckpt$/, ''));
    await exportCheckpoint(source, join(t.dir, 'ckpt'), { tokenizer: [join(t.dir, 'vocab.txt')] });
    const ctx = context(t.dir);
    const before = tf.memory().numTensors;
    const out = await loadNode.run(ctx, { path: 'ckpt' }, {});
    const manifest = out.model as ModelManifest;
    assert.equal(manifest.format, 'layerfuse/bert@1');
    assert.deepEqual(manifest.layers, [0, 1, 2]);
    assert.deepEqual(manifest.labels, ['neg', 'neu', 'pos']);
    assert.equal(manifestParameterCount(manifest), source.parameterCount());
    assert.deepEqual(ctx.facts.backend, 'wasm');
    assert.equal(tf.memory().numTensors, before, 'load node frees its tensors');

    const loaded = await loadModel(ctx, manifest);
    const batch = handBatch();
    assert.deepEqual(logits(loaded.model, batch), logits(source, batch));

    // A pruned variant shares the blobs of the layers it keeps and drops the others.
    const pruned = withLayers(manifest, [2, 0]);
    assert.deepEqual(pruned.layers, [0, 2]);
    assert.equal(pruned.tensors['bert.encoder.layer.2.output.dense.weight']!.$tensor, manifest.tensors['bert.encoder.layer.2.output.dense.weight']!.$tensor);
    assert.ok(!Object.keys(pruned.tensors).some((k) => k.startsWith('bert.encoder.layer.1.')));
    assert.throws(() => withLayers(pruned, [1]), /layer 1 is not in the model/);

    for (const layers of [undefined, [0, 2]]) {
      const params = layers ? { layers } : {};
      const files = (await exportNode.run(ctx, params, { model: artifact('model', manifest) })).files as FilesManifest;
      assert.deepEqual(Object.keys(files.files).sort(), ['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
      const dir = join(t.dir, `out-${layers ? 'pruned' : 'full'}`);
      mkdirSync(dir);
      for (const [name, ref] of Object.entries(files.files)) writeFileSync(join(dir, name), await ctx.getBytes(ref));
      const back = await loadCheckpoint(dir);
      assert.equal(back.config.numLayers, layers ? 2 : 3);
      assert.deepEqual(logits(back.model, batch), logits(loaded.model, batch, layers));
      back.model.dispose();
    }
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  } finally {
    source.dispose();
    t.done();
  }
});

void test('model/train from scratch and model/finetune report progress and produce models', async () => {
  await initBackend('wasm');
  const t = tempDir();
  try {
    const ctx = context(t.dir);
    const words = ['good', 'great', 'fine', 'bad', 'awful', 'poor', 'the', 'a', 'movie', 'film'];
    const ex = (n: number): Example[] =>
      Array.from({ length: n }, (_, i) => ({ text: `${words[6 + (i % 4)]} ${words[(i % 2) * 3 + (i % 3)]} ${words[6 + ((i + 1) % 4)]}`, label: i % 2 }));
    const splits = { train: ex(24), validation: ex(6), test: ex(6), calibration: ex(4) };
    const counts = { train: [12, 12], validation: [3, 3], test: [3, 3], calibration: [2, 2] };
    const data = await storeDataset(ctx, ['pos', 'neg'], splits, counts, { path: 'x.jsonl', digest: 'd' }, 1);
    const tk = await import('../../src/ml/tokenizer/index.js');
    writeVocab(t.dir, 30);
    writeFileSync(join(t.dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words].join('\n') + '\n');
    const tokenizer = await tk.storeTokenizer(ctx, await tk.tokenizerFromFiles({ vocabTxt: join(t.dir, 'vocab.txt') }, { maxLength: 16 }));

    const progress: Progress[] = [];
    const pctx = context(t.dir, progress);
    const params = { layers: 2, hidden: 16, heads: 2, intermediate: 32, epochs: 2, batch_size: 8, seed: 3 };
    const a = (await trainNode.run(pctx, params, { data: artifact('dataset', data), tokenizer: artifact('tokenizer', tokenizer) })).model as ModelManifest;
    const b = (await trainNode.run(pctx, params, { data: artifact('dataset', data), tokenizer: artifact('tokenizer', tokenizer) })).model as ModelManifest;
    assert.deepEqual(a, b, 'seeded training gives identical tensors (same blobs)');
    assert.equal(a.config.numLayers, 2);
    assert.equal(a.config.vocabSize, tokenizer.vocabSize);
    assert.deepEqual(a.labels, ['pos', 'neg']);
    assert.equal(progress.at(-1)!.done, 6);
    assert.equal(progress.at(-1)!.total, 6);
    assert.match(progress.at(-1)!.message!, /loss \d+\.\d{4}/);

    const tuned = (await finetuneNode.run(pctx, { epochs: 1, batch_size: 8, lr: 1e-3 }, { model: artifact('model', a), data: artifact('dataset', data) })).model as ModelManifest;
    assert.notEqual(tuned.tensors['classifier.weight']!.$tensor, a.tensors['classifier.weight']!.$tensor);
    assert.deepEqual(tuned.tokenizer, a.tokenizer);
    await assert.rejects(
      trainNode.run(pctx, { ...params, hidden: 15 }, { data: artifact('dataset', data), tokenizer: artifact('tokenizer', tokenizer) }),
      /hidden 15 is not a multiple of heads 2/,
    );
  } finally {
    t.done();
  }
});

void test('model/load errors name the node and the problem', async () => {
  await initBackend('wasm');
  const t = tempDir();
  try {
    const ctx = context(t.dir);
    await assert.rejects(loadNode.run(ctx, { path: 'missing' }, {}), /test\.model: .*missing: checkpoint directory not found/);
    await assert.rejects(loadNode.run(ctx, { path: '/abs' }, {}), /must be relative to the pipeline directory/);
  } finally {
    t.done();
  }
});

void test('model/load refuses a checkpoint with NaN weights, naming the node and the tensor', async () => {
  await initBackend('wasm');
  const t = tempDir();
  const source = smallModel(8);
  try {
    writeVocab(t.dir);
    const name = 'bert.encoder.layer.1.output.dense.bias';
    const poison = tf.fill(source.param(name).shape, NaN);
    source.param(name).assign(poison);
    poison.dispose();
    await exportCheckpoint(source, join(t.dir, 'ckpt'), { tokenizer: [join(t.dir, 'vocab.txt')] });
    await assert.rejects(
      loadNode.run(context(t.dir), { path: 'ckpt' }, {}),
      /^NodeError: test\.model: checkpoint ckpt: tensor bert\.encoder\.layer\.1\.output\.dense\.bias holds NaN/,
    );
  } finally {
    source.dispose();
    t.done();
  }
});

void test("model/load and tokenizer/files key a checkpoint whatever tokenizer files it has (tokenizer.json only, vocab.txt only)", async () => {
  const { hashInputFiles } = await import('../../src/executor/input-files.js');
  const tokenizerFilesNode = nodeType({ type: 'tokenizer/files' });
  const t = tempDir();
  try {
    for (const [sub, files] of [
      ['json-only', ['config.json', 'model.safetensors', 'tokenizer.json']],
      ['vocab-only', ['config.json', 'model.safetensors', 'vocab.txt']],
    ] as const) {
      mkdirSync(join(t.dir, sub));
      for (const f of files) writeFileSync(join(t.dir, sub, f), f);
      const model = await hashInputFiles('m', t.dir, loadNode.inputFiles!({ path: sub }));
      assert.deepEqual(Object.keys(model).sort(), files.map((f) => `${sub}/${f}`));
      const tok = await hashInputFiles('t', t.dir, tokenizerFilesNode.inputFiles!({ path: sub }));
      assert.ok(Object.keys(tok).some((f) => /tokenizer\.json$|vocab\.txt$/.test(f)));
    }
  } finally {
    t.done();
  }
});
