/**
 * A config.json that disagrees with model.safetensors, or sizes no engine could hold, is a
 * CheckpointError naming config.json and the field, raised from the safetensors header before
 * anything is allocated (`num_hidden_layers: 1000000000` used to abort the worker out of memory).
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initBackend } from '../../../src/ml/backend.js';
import { makeConfig } from '../../../src/ml/bert/config.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { exportCheckpoint, loadCheckpoint, type LoadCheckpointOptions } from '../../../src/ml/checkpoint/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../../src/artifacts/safetensors.js';
import { badInputTests, thrownMessage, type BadInput } from '../../util/bad-input.js';
import { smallModel, tempDir, writeVocab } from '../../util/bert-checkpoint.js';

const cleanups: Array<() => void> = [];
let source = '';

before(async () => {
  await initBackend('wasm');
  const t = tempDir();
  cleanups.push(t.done);
  const model = smallModel(3);
  writeVocab(t.dir);
  await exportCheckpoint(model, t.dir);
  model.dispose();
  source = t.dir;
});
after(() => {
  for (const c of cleanups) c();
});

interface Input {
  config?: (c: Record<string, unknown>) => void;
  bare?: boolean;
  opts?: LoadCheckpointOptions;
}

/** A copy of the exported checkpoint with config.json edited (and the classifier dropped for `bare`). */
function variant(i: Input): string {
  const t = tempDir();
  cleanups.push(t.done);
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) copyFileSync(join(source, f), join(t.dir, f));
  const c = JSON.parse(readFileSync(join(t.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  i.config?.(c);
  writeFileSync(join(t.dir, 'config.json'), JSON.stringify(c));
  if (i.bare) {
    const w = decodeSafetensors(readFileSync(join(t.dir, 'model.safetensors')), 'w').tensors;
    for (const k of [...w.keys()]) if (k.startsWith('classifier.')) w.delete(k);
    writeFileSync(join(t.dir, 'model.safetensors'), encodeSafetensors(w));
  }
  return t.dir;
}

const cases: Array<BadInput<Input>> = [
  { name: 'num_hidden_layers 1000000000 beside 3 layers of weights', input: { config: (c) => (c.num_hidden_layers = 1_000_000_000) }, expect: /config\.json: does not match \S+model\.safetensors:\n {4}num_hidden_layers is 1000000000 but \S+model\.safetensors holds layers 0\.\.2 \(3\)$/ },
  { name: 'num_hidden_layers smaller than the file', input: { config: (c) => (c.num_hidden_layers = 1) }, expect: 'num_hidden_layers is 1 but' },
  { name: 'huge hidden_size', input: { config: (c) => ((c.hidden_size = 2 ** 30), (c.num_attention_heads = 2)) }, expect: 'hidden_size is 1073741824 but bert.embeddings.word_embeddings.weight has shape [30,16] (hidden_size 16)' },
  { name: 'huge vocab_size', input: { config: (c) => (c.vocab_size = 1e12) }, expect: 'vocab_size is 1000000000000 but bert.embeddings.word_embeddings.weight has shape [30,16] (vocab_size 30)' },
  { name: 'huge intermediate_size', input: { config: (c) => (c.intermediate_size = 1e9) }, expect: 'intermediate_size is 1000000000 but bert.encoder.layer.0.intermediate.dense.weight has shape [32,16] (intermediate_size 32)' },
  { name: 'huge max_position_embeddings', input: { config: (c) => (c.max_position_embeddings = 1e9) }, expect: 'max_position_embeddings is 1000000000 but bert.embeddings.position_embeddings.weight has shape [20,16]' },
  { name: 'every field wrong at once: all listed', input: { config: (c) => Object.assign(c, { vocab_size: 7, num_hidden_layers: 9, intermediate_size: 5 }) }, expect: /vocab_size is 7 [^\n]*\n {4}intermediate_size is 5 [^\n]*\n {4}num_hidden_layers is 9 / },
  { name: 'more labels in id2label than the classifier has', input: { config: (c) => (c.id2label = { 0: 'a', 1: 'b', 2: 'c', 3: 'd', 4: 'e' }) }, expect: 'num_labels (or id2label, or the labels given) is 5 but classifier.weight has shape [3,16]' },
  { name: 'num_labels 1000000000 in config.json', input: { config: (c) => ((c.num_labels = 1e9), delete c.id2label, delete c.label2id) }, expect: 'config.json: num_labels is 1000000000, above the limit of 100,000' },
  { name: 'a bare model asked for 1000000000 classes', input: { bare: true, opts: { numLabels: 1e9 } }, expect: 'config.json: num_labels is 1000000000, above the limit of 100,000' },
  { name: 'model_type of the wrong type', input: { config: (c) => Object.assign(c, { model_type: ['bert'] }) }, expect: 'config.json: unsupported model_type ["bert"]' },
];

badInputTests('config.json against the weights', cases, (i) => thrownMessage(() => loadCheckpoint(variant(i), i.opts ?? {})));

void test('a config that matches its weights still loads', async () => {
  const loaded = await loadCheckpoint(variant({}));
  assert.equal(loaded.config.numLayers, 3);
  loaded.model.dispose();
});

void test('config.json that is not UTF-8, or not a JSON object: named', async () => {
  const dir = variant({});
  writeFileSync(join(dir, 'config.json'), Buffer.from('{"model_type": "bert", "x": "caf\xe9"}', 'latin1'));
  await assert.rejects(loadCheckpoint(dir), /config\.json:1:33: not valid UTF-8 \(byte 0xe9 at offset 32\); save the file as UTF-8$/);
  writeFileSync(join(dir, 'config.json'), '[1, 2]');
  await assert.rejects(loadCheckpoint(dir), /config\.json: not a JSON object$/);
});

void test('model sizes no engine could hold are ConfigErrors before allocation (model/train params too)', () => {
  const base = { vocabSize: 30, numLabels: 2, numHeads: 2, maxPositions: 20 };
  assert.throws(() => BertClassifier.create(makeConfig({ ...base, hiddenSize: 2 ** 20, intermediateSize: 2 ** 20 }), { seed: 1 }), (e: Error) => {
    assert.equal(e.name, 'ConfigError');
    assert.match(e.message, /^config: these sizes make 2\.\d+e\+1\d parameters \(vocab_size 30, hidden_size 1048576, num_hidden_layers 4, intermediate_size 1048576, max_position_embeddings 20, num_labels 2\), above the limit of 4,294,967,296/);
    return true;
  });
  assert.throws(() => BertClassifier.create(makeConfig({ ...base, hiddenSize: 8, intermediateSize: 8, numLayers: 1e8 }), { seed: 1 }), /num_hidden_layers is 100000000, above the limit of 1,000/);
  assert.throws(() => makeConfig({ ...base, numLabels: 1e9 }), /num_labels is 1000000000, above the limit of 100,000/);
});
