/**
 * The engines on a real dataset: a small BERT trained for a few steps on AG News (bert-base-
 * uncased's WordPiece vocabulary), then 400 held-out AG News texts scored by ONNX Runtime and
 * by TF.js: the same prediction for every example and the same accuracy (logits within 1e-4).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initBackend } from '../../../src/ml/backend.js';
import { makeConfig } from '../../../src/ml/bert/config.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { encodeExamples, makeBatches } from '../../../src/ml/data/index.js';
import { engineModelOf } from '../../../src/ml/engine/model.js';
import { createEngine } from '../../../src/ml/engine/select.js';
import { engineLogits } from '../../../src/ml/engine/index.js';
import { computeMetrics, runSplit } from '../../../src/ml/eval/index.js';
import { tokenizerFromFiles } from '../../../src/ml/tokenizer/index.js';
import { train } from '../../../src/ml/train/index.js';
import type { Example } from '../../../src/ml/types.js';
import { sharedPath, skipWithoutShared } from '../../util/shared.js';

void test('onnxruntime and tfjs: identical predictions and accuracy on 400 AG News texts', { skip: skipWithoutShared() }, async (t) => {
  await initBackend('wasm');
  const rows = readFileSync(sharedPath('data', 'agnews', 'data.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Example);
  const trainSet = rows.slice(0, 1200);
  const heldOut = rows.slice(-400);
  const tok = await tokenizerFromFiles({ vocabTxt: sharedPath('data', 'bert-base-uncased', 'vocab.txt') }, { maxLength: 48 });
  const config = makeConfig({ vocabSize: tok.vocabSize, numLabels: 4, labels: ['World', 'Sports', 'Business', 'Sci/Tech'], hiddenSize: 32, numLayers: 3, numHeads: 2, intermediateSize: 64, maxPositions: 48 });
  const model = BertClassifier.create(config, { seed: 5 });
  const enc = encodeExamples(tok, trainSet);
  await train(model, (epoch) => makeBatches(enc, 32, { shuffleSeed: epoch, sortByLength: true, padTokenId: 0 }), { epochs: 2, lr: 3e-3, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 5 });
  const em = await engineModelOf(model);
  model.dispose();

  const test = encodeExamples(tok, heldOut);
  const run = async (engine: 'onnxruntime' | 'tfjs', kept: readonly number[]) => {
    const e = await createEngine(em, { engine, backend: 'wasm', threads: 1 });
    try {
      return await runSplit(engineLogits(e, kept), test, { batchSize: 32, numLabels: 4, padTokenId: 0 });
    } finally {
      await e.dispose();
    }
  };
  for (const kept of [[0, 1, 2], [0, 2]]) {
    const [ort, tfjs] = [await run('onnxruntime', kept), await run('tfjs', kept)];
    let diff = 0;
    ort.logits.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - tfjs.logits[i]!))));
    assert.ok(diff < 1e-4, `kept [${kept.join(',')}]: max abs logit diff ${diff}`);
    assert.deepEqual(Array.from(ort.predictions), Array.from(tfjs.predictions), `kept [${kept.join(',')}]: every prediction`);
    const labels = ['World', 'Sports', 'Business', 'Sci/Tech'];
    const [a, b] = [computeMetrics(ort.labels, ort.predictions, labels), computeMetrics(tfjs.labels, tfjs.predictions, labels)];
    assert.equal(a.accuracy, b.accuracy);
    t.diagnostic(`kept [${kept.join(',')}]: accuracy ${a.accuracy.toFixed(3)} on both engines, max logit diff ${diff.toExponential(1)}`);
    if (kept.length === 3) assert.ok(a.accuracy > 0.4, `the model learned something (accuracy ${a.accuracy}; chance 0.25)`);
  }
});
