/**
 * The evaluation memo and the model/evaluate and model/predict nodes on a tiny random model,
 * through a real node context with an in-memory cache: one computation per key, shared between
 * a full model with a kept-layer list and the pruned artifact; batch size does not matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MemoryCache } from '../../../src/executor/memory-cache.js';
import { ExecContext } from '../../../src/executor/node-context.js';
import { initBackend } from '../../../src/ml/backend.js';
import { makeConfig } from '../../../src/ml/bert/config.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { storeDataset, type DatasetManifest } from '../../../src/ml/data/index.js';
import { BertTokenizer, bertTokenizerJson, storeTokenizer } from '../../../src/ml/tokenizer/index.js';
import type { Example } from '../../../src/ml/types.js';
import { evaluateMemo, releaseEvalCache, type Evaluation } from '../../../src/nodes/run/eval-memo.js';
import { evaluateNode as evaluateNodeDecl, predictNode as predictNodeDecl } from '../../../src/nodes/evaluate.js';
import { withLayers, type ModelManifest } from '../../../src/ml/bert/manifest.js';
import { storeModel } from '../../../src/ml/bert/store.js';
import type { Artifact, BlobRef, Manifest, NodeContext, PortType } from '../../../src/artifacts/index.js';
import { nodeType } from '../../util/node-types.js';

const evaluateNode = nodeType(evaluateNodeDecl);
const predictNode = nodeType(predictNodeDecl);

const WORDS = ['red', 'green', 'blue', 'cyan', 'gold', 'gray', 'pink', 'teal', 'navy', 'lime'];

function artifact(type: PortType, manifest: Manifest): Artifact {
  return { type, manifest, digest: createHash('sha256').update(JSON.stringify({ type, manifest })).digest('hex'), from: { node: type, port: type } };
}

function examples(n: number, seed: number): Example[] {
  return Array.from({ length: n }, (_, i) => ({
    text: Array.from({ length: 2 + ((i + seed) % 6) }, (_, k) => WORDS[(i * 7 + k * 3 + seed) % WORDS.length]).join(' '),
    label: i % 3,
  }));
}

/** A context whose memo counts the computations it runs. */
function context(cache: MemoryCache): ExecContext & { computed: number } {
  const ctx = new ExecContext({ nodeId: 'eval', pipelineDir: '/', tmpDir: '/tmp', backend: 'wasm', signal: new AbortController().signal, cache, logFile: `/tmp/layerfuse-eval-test-${process.pid}.log` });
  const counted = Object.assign(ctx, { computed: 0 });
  const memo = ctx.memo.bind(ctx);
  counted.memo = <T>(key: unknown, compute: () => Promise<T>): Promise<T> =>
    memo(key, () => {
      counted.computed++;
      return compute();
    });
  return counted;
}

async function world(ctx: NodeContext): Promise<{ model: ModelManifest; data: DatasetManifest }> {
  await initBackend('wasm');
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];
  const tokenizer = await storeTokenizer(ctx, new BertTokenizer(bertTokenizerJson(vocab, { lowercase: true }), { maxLength: 12 }));
  const labels = ['x', 'y', 'z'];
  const splits = { train: examples(12, 1), validation: examples(9, 2), test: examples(30, 3), calibration: examples(6, 1) };
  const counts = Object.fromEntries(Object.entries(splits).map(([k, v]) => [k, [0, 1, 2].map((c) => v.filter((e) => e.label === c).length)])) as Record<keyof typeof splits, number[]>;
  const data = await storeDataset(ctx, labels, splits, counts, { path: 'synthetic', digest: 'synthetic' }, 1);
  const config = makeConfig({ vocabSize: vocab.length, numLabels: 3, labels, hiddenSize: 16, numLayers: 3, numHeads: 2, intermediateSize: 32, maxPositions: 12 });
  const classifier = BertClassifier.create(config, { seed: 11 });
  try {
    return { model: await storeModel(ctx, classifier, { tokenizer }), data };
  } finally {
    classifier.dispose();
  }
}

void test('evaluateMemo computes once per key and shares pruned variants', async () => {
  const ctx = context(new MemoryCache());
  const { model, data } = await world(ctx);
  try {
    const full = await evaluateMemo(ctx, { model, dataset: data, split: 'test' });
    assert.equal(ctx.computed, 1);
    assert.equal(full.format, 'layerfuse/evaluation@1');
    assert.deepEqual(full.layers, [0, 1, 2]);
    assert.equal(full.backend, 'onnxruntime-cpu', 'auto: ONNX Runtime where it loads');
    assert.equal(full.numExamples, 30);
    assert.equal(full.predictions.length, 30);
    assert.equal(full.confusion.flat().reduce((a, b) => a + b, 0), 30);
    const again = await evaluateMemo(ctx, { model, dataset: data, split: 'test', layers: [0, 1, 2] });
    assert.equal(ctx.computed, 1, 'same key (explicit full layer list): memo hit');
    assert.deepEqual(again, full);

    const sub = await evaluateMemo(ctx, { model, dataset: data, split: 'test', layers: [0, 2] });
    assert.equal(ctx.computed, 2, 'another kept set: computed');
    assert.deepEqual(sub.layers, [0, 2]);
    await evaluateMemo(ctx, { model: withLayers(model, [0, 2]), dataset: data, split: 'test' });
    await evaluateMemo(ctx, { model: withLayers(model, [0, 1, 2]), dataset: data, split: 'test', layers: [2, 0] });
    assert.equal(ctx.computed, 2, 'pruned artifact with the same kept layers: same entry');
    await evaluateMemo(ctx, { model, dataset: data, split: 'validation', layers: [0, 2] });
    assert.equal(ctx.computed, 3, 'another split: computed');

    // Another context on the same cache (another node, a later run): still shared.
    const other = context((ctx as unknown as { cache: MemoryCache }).cache);
    await evaluateMemo(other, { model, dataset: data, split: 'test', layers: [0, 2] });
    assert.equal(other.computed, 0);

    await assert.rejects(evaluateMemo(ctx, { model: withLayers(model, [0, 2]), dataset: data, split: 'test', layers: [1] }), /layer 1 is not in the model/);
  } finally {
    releaseEvalCache();
  }
});

void test('the engine is part of the key; onnxruntime and tfjs give the same predictions', async () => {
  const ctx = context(new MemoryCache());
  const { model, data } = await world(ctx);
  try {
    const ort = await evaluateMemo(ctx, { model, dataset: data, split: 'test', layers: [0, 2] }, { engine: 'onnxruntime' });
    const tfjs = await evaluateMemo(ctx, { model, dataset: data, split: 'test', layers: [0, 2] }, { engine: 'tfjs' });
    assert.equal(ctx.computed, 2, 'one entry per engine');
    assert.equal(ort.backend, 'onnxruntime-cpu');
    assert.equal(tfjs.backend, 'tfjs-wasm');
    assert.deepEqual(ort.predictions, tfjs.predictions);
    assert.equal(ort.accuracy, tfjs.accuracy);
    await evaluateMemo(ctx, { model, dataset: data, split: 'test', layers: [0, 2] }, { engine: 'auto' });
    assert.equal(ctx.computed, 2, 'auto resolves to onnxruntime-cpu: the same entry');
    const cache = (ctx as unknown as { cache: MemoryCache }).cache;
    const forced = new ExecContext({ nodeId: 'eval', pipelineDir: '/', tmpDir: '/tmp', backend: 'wasm', compute: { engine: 'tfjs', provider: 'cpu', threads: 1, wasmThreads: 1 }, signal: new AbortController().signal, cache, logFile: `/tmp/layerfuse-eval-test-${process.pid}.log` });
    assert.deepEqual(await evaluateMemo(forced, { model, dataset: data, split: 'test', layers: [0, 2] }), tfjs, "param auto, the run's --engine tfjs: the tfjs entry");
    assert.deepEqual(forced.facts, { backend: 'wasm', engine: 'tfjs-wasm' });
  } finally {
    releaseEvalCache();
  }
});

void test('batch size does not change the evaluation', async () => {
  const ctx = context(new MemoryCache());
  const { model, data } = await world(ctx);
  try {
    const a = await evaluateMemo(ctx, { model, dataset: data, split: 'test', layers: [1] }, { batchSize: 1 });
    const b = await evaluateMemo(context(new MemoryCache()), { model, dataset: data, split: 'test', layers: [1] }, { batchSize: 32 });
    assert.deepEqual(a, b);
  } finally {
    releaseEvalCache();
  }
});

void test('model/evaluate and model/predict agree; predictions.jsonl is complete', async () => {
  const ctx = context(new MemoryCache());
  const { model, data } = await world(ctx);
  const inputs = { model: artifact('model', model), data: artifact('dataset', data) };
  const { evaluation } = (await evaluateNode.run(ctx, { split: 'test', layers: [0, 1] }, inputs)) as { evaluation: Evaluation & { numLayers: number } };
  assert.equal(evaluation.numLayers, 2);
  assert.ok(!Object.keys(evaluation).includes('predictions'), 'per-example predictions stay out of the evaluation JSON');
  const { predictions } = (await predictNode.run(ctx, { split: 'test', layers: [0, 1] }, inputs)) as {
    predictions: { accuracy: number; numExamples: number; backend: string; files: Record<string, BlobRef> };
  };
  assert.equal(predictions.numExamples, 30);
  assert.equal(predictions.accuracy, evaluation.accuracy);
  assert.equal(predictions.backend, 'onnxruntime-cpu');
  const viaTfjs = (await evaluateNode.run(ctx, { split: 'test', layers: [0, 1], engine: 'tfjs' }, inputs)) as { evaluation: Evaluation };
  assert.equal(viaTfjs.evaluation.backend, 'tfjs-wasm');
  assert.equal(viaTfjs.evaluation.accuracy, evaluation.accuracy);
  const lines = new TextDecoder()
    .decode(await ctx.getBytes(predictions.files['predictions.jsonl']!))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { index: number; label_id: number; predicted_id: number; predicted: string; correct: boolean; probabilities: number[]; logits: number[] });
  assert.equal(lines.length, 30);
  lines.forEach((l, i) => {
    assert.equal(l.index, i);
    assert.equal(l.probabilities.length, 3);
    assert.ok(Math.abs(l.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.equal(l.predicted_id, l.logits.indexOf(Math.max(...l.logits)));
    assert.equal(l.predicted, ['x', 'y', 'z'][l.predicted_id]);
    assert.equal(l.correct, l.predicted_id === l.label_id);
  });
  const mismatch = { ...data, labels: ['x', 'y'] };
  await assert.rejects(evaluateNode.run(ctx, {}, { ...inputs, data: artifact('dataset', mismatch) }), /^NodeError: eval: the model has 3 classes \(x, y, z\) but the dataset has 2 \(x, y\)/);
});
