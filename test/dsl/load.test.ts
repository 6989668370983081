import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnosticsOf, loadText } from '../util/dsl-schemas.js';
import { designExample } from './design-example.js';
import { plain } from '../util/plain.js';

void test('the design example loads into the expanded, resolved graph', async () => {
  const r = await loadText(designExample);
  assert.equal(r.diagnostics.length, 0, JSON.stringify(r.diagnostics));
  const g = r.graph!;
  assert.equal(g.name, 'default');
  assert.deepEqual(plain(g.params), { seed: 42, layers: 6 });
  assert.deepEqual(
    [...g.nodes.keys()],
    [
      'data',
      'base',
      'ablation',
      'random',
      'curve.random', // ready together with `signals`; ties go by id
      'signals',
      'score.attention-entropy',
      'curve.score.attention-entropy',
      'score.task-relevance-mi',
      'curve.score.task-relevance-mi',
      'score.weight-entropy',
      'curve.score.weight-entropy',
      'fuse',
      'curve.fuse',
      'report',
    ],
  );
  const score = g.nodes.get('score.weight-entropy')!;
  assert.equal(score.type, 'score/weight-entropy');
  assert.equal(score.group, 'score');
  assert.deepEqual(plain(score.inputs), { signals: { node: 'signals', port: 'signals' } });
  assert.deepEqual(plain(score.params), { split: 'calibration' }, 'defaults are filled');

  const fuse = g.nodes.get('fuse')!;
  assert.deepEqual(fuse.inputs.scores, [
    { node: 'score.weight-entropy', port: 'scores' },
    { node: 'score.task-relevance-mi', port: 'scores' },
    { node: 'score.attention-entropy', port: 'scores' },
  ]);
  assert.deepEqual(fuse.inputs.target, { node: 'ablation', port: 'ablation' });

  assert.deepEqual(g.nodes.get('curve.fuse')!.inputs.order, { node: 'fuse', port: 'fusion' });
  assert.deepEqual(g.nodes.get('curve.score.weight-entropy')!.inputs.order, { node: 'score.weight-entropy', port: 'scores' });
  assert.equal((g.nodes.get('report')!.inputs.curves as unknown[]).length, 5);

  const data = g.nodes.get('data')!;
  assert.deepEqual(plain(data.params), { task: 'lists', seed: 42, fraction: 1 }, 'an exact reference keeps the number type');
  assert.equal(data.location.range!.start.line, 7);

  const base = g.nodes.get('base')!;
  assert.deepEqual(plain(base.params), { layers: 6, epochs: 2, lr: 0.001, tags: [] });
  assert.deepEqual(plain(base.resources), { gpu: 1 }, "the type's default resources");
  assert.equal(base.cache, true);
});

void test('--set overrides a param and flows into nodes', async () => {
  const r = await loadText(designExample, ['layers=12', 'seed=7']);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(plain(r.graph!.params), { seed: 7, layers: 12 });
  assert.equal(r.graph!.nodes.get('base')!.params.layers, 12);
  assert.equal(r.graph!.nodes.get('random')!.params.seed, 7);
});

void test('embedded references interpolate as text; $${ escapes', async () => {
  const r = await loadText(`version: 1
name: t
params:
  n: 3
  who: world
nodes:
  a:
    uses: util/echo
    with:
      value: "n=\${params.n} \${params.who} $\${HOME} \${params.n}"
`);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.graph!.nodes.get('a')!.params.value, 'n=3 world ${HOME} 3');
});

void test('an exact reference to a list or map param keeps its structure (and is a copy)', async () => {
  const r = await loadText(`version: 1
name: t
params:
  tags: [x, y]
  cfg: {depth: 2}
nodes:
  a:
    uses: util/echo
    with:
      value: \${params.cfg}
  b:
    uses: model/train
    with:
      data: \${d}
      epochs: \${params.cfg.depth}
      tags: \${params.tags}
  d:
    uses: dataset/spam-assassin
`);
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.deepEqual(plain(g.nodes.get('a')!.params.value), { depth: 2 });
  assert.equal(g.nodes.get('b')!.params.epochs, 2);
  assert.deepEqual(plain(g.nodes.get('b')!.params.tags), ['x', 'y']);
  assert.notEqual(g.nodes.get('b')!.params.tags, g.params.tags);
});

void test('resources override the type default; cache: false and non-cacheable types always run', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  d:
    uses: dataset/spam-assassin
    cache: false
  m:
    uses: model/train
    resources: {gpu: 2, mem: 0}
    with: {data: "\${d}", epochs: 1}
  e:
    uses: util/echo
`);
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.deepEqual(plain(g.nodes.get('m')!.resources), { gpu: 2, mem: 0 });
  assert.equal(g.nodes.get('m')!.cache, true);
  assert.equal(g.nodes.get('d')!.cache, false);
  assert.equal(g.nodes.get('e')!.cache, false, 'util/echo declares cacheable: false');
});

void test('needs adds ordering edges (ids, id.*, and ${...} forms)', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  z:
    uses: util/echo
  y:
    foreach: [1, 2]
    uses: util/echo
  a:
    uses: util/echo
    needs: [z, y.*]
  b:
    uses: util/echo
    needs: "\${a}"
`);
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.deepEqual(g.nodes.get('a')!.needs, ['z', 'y.1', 'y.2']);
  assert.deepEqual(g.nodes.get('b')!.needs, ['a']);
  assert.deepEqual([...g.nodes.keys()], ['y.1', 'y.2', 'z', 'a', 'b']);
});

void test('topological order is deterministic: producers first, ties by id', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  c: {uses: util/echo, with: {after: ["\${b}"]}}
  b: {uses: util/echo}
  a: {uses: util/echo, with: {after: ["\${c}"]}}
  d: {uses: util/echo}
`);
  assert.deepEqual([...r.graph!.nodes.keys()], ['b', 'c', 'a', 'd']);
});

void test('a pipeline without nodes loads as an empty graph', async () => {
  const r = await loadText('version: 1\nname: t\nnodes: {}\n');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.graph!.nodes.size, 0);
});

void test('a missing file is one diagnostic, not an exception', async () => {
  const { loadPipeline } = await import('../../src/dsl/index.js');
  const r = await loadPipeline('/nonexistent/p.yaml');
  assert.equal(r.graph, undefined);
  assert.equal(r.diagnostics[0]!.message, 'cannot read the pipeline: no such file (ENOENT)');
});

void test('diagnosticsOf is empty for a valid pipeline', async () => {
  assert.equal(await diagnosticsOf(designExample), '');
});

void test('YAML anchors and merge keys: x-* top-level keys hold shared blocks; own keys win', async () => {
  const r = await loadText(`version: 1
name: t
x-train: &train
  epochs: 3
  lr: 0.1
nodes:
  d: {uses: dataset/spam-assassin}
  a:
    uses: model/train
    with:
      <<: *train
      data: \${d}
      lr: 0.5
  b:
    uses: model/train
    with:
      <<: *train
      data: \${d}
      epoch: 1
`);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.location.range!.start.line}: ${d.message}`),
    ['19: node `b` (model/train): unknown key `epoch` in `with`; did you mean `epochs`?'],
  );
  const ok = await loadText(`version: 1
name: t
x-train: &train {epochs: 3, lr: 0.1}
nodes:
  d: {uses: dataset/spam-assassin}
  a:
    uses: model/train
    with:
      <<: *train
      data: \${d}
      lr: 0.5
`);
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(plain(ok.graph!.nodes.get('a')!.params), { epochs: 3, lr: 0.5, layers: 6, tags: [] });
});
