import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slugify } from '../../src/dsl/slug.js';
import { loadText } from '../util/dsl-schemas.js';
import { plain } from '../util/plain.js';

async function ids(text: string): Promise<string[]> {
  const r = await loadText(text);
  assert.deepEqual(r.diagnostics, [], JSON.stringify(r.diagnostics, null, 1));
  return [...r.graph!.nodes.keys()];
}

void test('foreach over values: one node per item, id group.slug, ${item} substituted', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  say:
    foreach: [Hello World, "x/y", 3]
    uses: util/echo
    with: {value: "\${item}", n: "\${item}"}
`);
  // n is a number param: "hello world" is not, so use a separate node for the strings.
  assert.ok(r.diagnostics.length > 0);
  const ok = await loadText(`version: 1
name: t
nodes:
  say:
    foreach: [Hello World, "x/y", 3]
    uses: util/echo
    with: {value: "\${item}"}
`);
  assert.deepEqual([...ok.graph!.nodes.keys()], ['say.3', 'say.hello-world', 'say.x-y']);
  assert.equal(ok.graph!.nodes.get('say.3')!.params.value, 3, 'an exact ${item} keeps the number');
  assert.equal(ok.graph!.nodes.get('say.x-y')!.params.value, 'x/y');
  assert.equal(ok.graph!.nodes.get('say.3')!.group, 'say');
});

void test('uses: score/${item} picks the type per item', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  d: {uses: dataset/spam-assassin}
  m: {uses: model/train, with: {data: "\${d}", epochs: 1}}
  sig: {uses: signals/capture, with: {model: "\${m}", data: "\${d}"}}
  score:
    foreach: [weight-entropy, attention-entropy]
    uses: score/\${item}
    with: {signals: "\${sig}", split: train}
`);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.graph!.nodes.get('score.weight-entropy')!.type, 'score/weight-entropy');
  assert.equal(r.graph!.nodes.get('score.attention-entropy')!.type, 'score/attention-entropy');
});

void test('foreach over ${x.*} yields one node per member, id group.member, item a reference', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  a:
    foreach: [1, 2]
    uses: util/echo
  b:
    uses: util/echo
  c:
    foreach: ["\${a.*}", "\${b}", "\${b.out}"]
    uses: util/echo
    with: {after: ["\${item}"]}
`);
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.deepEqual([...g.nodes.keys()].filter((i) => i.startsWith('c.')).sort(), ['c.a.1', 'c.a.2', 'c.b', 'c.b.out']);
  assert.deepEqual(g.nodes.get('c.a.2')!.inputs.after, [{ node: 'a.2', port: 'out' }]);
  assert.deepEqual(g.nodes.get('c.b.out')!.inputs.after, [{ node: 'b', port: 'out' }]);
});

void test('foreach over ${params.list}, as the whole list or spliced from an element', async () => {
  const r = await loadText(`version: 1
name: t
params:
  sizes: [1, 2]
nodes:
  a:
    foreach: \${params.sizes}
    uses: util/echo
    with: {n: "\${item}"}
  b:
    foreach: ["\${params.sizes}", 5]
    uses: util/echo
    with: {n: "\${item}"}
`);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual([...r.graph!.nodes.keys()], ['a.1', 'a.2', 'b.1', 'b.2', 'b.5']);
  assert.equal(r.graph!.nodes.get('b.5')!.params.n, 5);
});

void test('foreach over maps: ${item.key}, id from the values', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  run:
    foreach:
      - {name: small, n: 2}
      - {name: big, n: 8}
    uses: util/echo
    with: {value: "\${item.name}", n: "\${item.n}"}
`);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual([...r.graph!.nodes.keys()], ['run.big-8', 'run.small-2']);
  assert.deepEqual(plain(r.graph!.nodes.get('run.big-8')!.params), { value: 'big', n: 8 });
});

void test('matrix: product in axis order, exclude drops matching combinations', async () => {
  const r = await loadText(`version: 1
name: t
params:
  lrs: [0.1, 0.01]
nodes:
  d: {uses: dataset/spam-assassin}
  train:
    matrix:
      layers: [2, 4]
      lr: \${params.lrs}
      exclude:
        - {layers: 4, lr: 0.01}
    uses: model/train
    with:
      data: \${d}
      layers: \${matrix.layers}
      lr: \${matrix.lr}
      epochs: 1
      tags: ["l\${matrix.layers}-lr\${matrix.lr}"]
`);
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.deepEqual([...g.nodes.keys()].filter((i) => i !== 'd'), ['train.2.0.01', 'train.2.0.1', 'train.4.0.1']);
  assert.deepEqual(plain(g.nodes.get('train.2.0.01')!.params), { layers: 2, lr: 0.01, epochs: 1, tags: ['l2-lr0.01'] });
});

void test('matrix over node references and a templated type', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  d: {uses: dataset/spam-assassin}
  m:
    foreach: [1, 2]
    uses: model/train
    with: {data: "\${d}", epochs: "\${item}"}
  pick:
    matrix:
      model: ["\${m.*}"]
      kind: [random]
      exclude: [{model: m.2}]
    uses: score/\${matrix.kind}
    with: {model: "\${matrix.model}"}
`);
  assert.deepEqual(r.diagnostics, []);
  const pick = [...r.graph!.nodes.values()].filter((n) => n.group === 'pick');
  assert.deepEqual(pick.map((n) => n.id), ['pick.m.1.random']);
  assert.equal(pick[0]!.type, 'score/random');
  assert.deepEqual(pick[0]!.inputs.model, { node: 'm.1', port: 'model' });
});

void test('a group that ranges over a later group expands after it (glob order, not file order)', async () => {
  assert.deepEqual(
    await ids(`version: 1
name: t
nodes:
  late:
    foreach: ["\${early.*}"]
    uses: util/echo
  early:
    foreach: [p, q]
    uses: util/echo
`),
    ['early.p', 'early.q', 'late.early.p', 'late.early.q'],
  );
});

void test('slugs are lowercase [a-z0-9_.-]', () => {
  assert.equal(slugify('Weight Entropy!'), 'weight-entropy');
  assert.equal(slugify(0.001), '0.001');
  assert.equal(slugify(true), 'true');
  assert.equal(slugify(['a', 'B c']), 'a-b-c');
  assert.equal(slugify('--x__y..'), 'x__y');
});

void test('nested references: ${step.${item}} is the same item of another group (slugified)', async () => {
  const r = await loadText(`version: 1
name: t
params:
  which: B
nodes:
  step:
    foreach: [A, B]
    uses: util/echo
  after:
    foreach: [A, B]
    uses: util/echo
    with: {after: ["\${step.\${item}}"], value: "\${params.\${item}x}"}
  one:
    uses: util/echo
    with: {after: ["\${step.\${params.which}}"]}
`.replace('${params.${item}x}', 'v-${item}'));
  assert.deepEqual(r.diagnostics, []);
  const g = r.graph!;
  assert.deepEqual(g.nodes.get('after.a')!.inputs.after, [{ node: 'step.a', port: 'out' }]);
  assert.deepEqual(g.nodes.get('after.b')!.inputs.after, [{ node: 'step.b', port: 'out' }]);
  assert.deepEqual(g.nodes.get('one')!.inputs.after, [{ node: 'step.b', port: 'out' }]);
  assert.equal(g.nodes.get('after.a')!.params.value, 'v-A');
});

void test('nested references: a node item (from ${x.*}) stands for its id, so groups over ${data.*} follow one another', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  data:
    foreach: [lists, spam]
    uses: dataset/spam-assassin
    with: {task: "\${item}"}
  m:
    foreach: ["\${data.*}"]
    uses: model/train
    with: {data: "\${item}", epochs: 1}
  sig:
    foreach: ["\${data.*}"]
    uses: signals/capture
    with: {model: "\${m.\${item}}", data: "\${item}"}
  score:
    matrix: {d: ["\${data.*}"], s: [weight-entropy, attention-entropy]}
    uses: score/\${matrix.s}
    with: {signals: "\${sig.\${matrix.d}}"}
  forest:
    foreach: ["\${data.*}"]
    uses: fuse/random-forest
    with:
      scores: ["\${score.\${item}.weight-entropy}", "\${score.\${item}.attention-entropy}"]
      target: "\${abl.\${item}}"
  abl:
    foreach: ["\${data.*}"]
    uses: prune/ablation
    with: {model: "\${m.\${item}.model}", data: "\${item}"}
`);
  assert.deepEqual(r.diagnostics, [], JSON.stringify(r.diagnostics));
  const g = r.graph!;
  assert.deepEqual(g.nodes.get('sig.data.spam')!.inputs.model, { node: 'm.data.spam', port: 'model' });
  assert.deepEqual(g.nodes.get('score.data.lists.attention-entropy')!.inputs.signals, { node: 'sig.data.lists', port: 'signals' });
  assert.deepEqual(plain(g.nodes.get('forest.data.spam')!.inputs.scores), [
    { node: 'score.data.spam.weight-entropy', port: 'scores' },
    { node: 'score.data.spam.attention-entropy', port: 'scores' },
  ]);
  assert.deepEqual(g.nodes.get('abl.data.lists')!.inputs.model, { node: 'm.data.lists', port: 'model' });
});

void test('optional: an empty foreach or matrix is absent, and ${x.*} of it an empty list', async () => {
  const text = `version: 1
name: t
params:
  extra: []
nodes:
  mail:
    foreach: [lists]
    uses: dataset/spam-assassin
    with: {task: "\${item}"}
  file:
    foreach: \${params.extra}
    optional: true
    uses: dataset/spam-assassin
    with: {task: "\${item}"}
  m:
    foreach: ["\${mail.*}", "\${file.*}"]
    uses: model/train
    with: {data: "\${item}", epochs: 1}
  grid:
    matrix: {d: ["\${file.*}"], x: [1]}
    optional: true
    uses: util/echo
    with: {value: "\${matrix.x}"}
  all:
    uses: util/echo
    needs: [file.*]
    with: {after: ["\${m.*}", "\${file.*}", "\${grid.*}"]}
`;
  assert.deepEqual((await ids(text)).sort(), ['all', 'm.mail.lists', 'mail.lists']);
  const r = await loadText(text);
  assert.deepEqual(plain(r.graph!.nodes.get('all')!.inputs.after), [{ node: 'm.mail.lists', port: 'model' }]);
  assert.deepEqual(r.graph!.nodes.get('all')!.needs, []);
  // Given items, the same file expands them.
  const withExtra = await loadText(text, ['extra=[spam]']);
  assert.deepEqual([...withExtra.graph!.nodes.keys()].sort(), ['all', 'file.spam', 'grid.file.spam.1', 'm.file.spam', 'm.mail.lists', 'mail.lists']);
});

void test('${id.*.port}: a named output of every node of a group, as an input list or as foreach items', async () => {
  const r = await loadText(`version: 1
name: t
nodes:
  d: {uses: dataset/spam-assassin}
  m:
    foreach: [1, 2]
    uses: model/train
    with: {data: "\${d}", epochs: "\${item}"}
  z:
    foreach: ["\${m.*}"]
    uses: util/echo
  all:
    uses: util/echo
    with: {after: "\${m.*.metrics}"}
  each:
    foreach: ["\${m.*.metrics}"]
    uses: util/echo
    with: {after: ["\${item}", "\${z.\${item}}"]}
`);
  assert.deepEqual(r.diagnostics, [], JSON.stringify(r.diagnostics));
  const g = r.graph!;
  assert.deepEqual(plain(g.nodes.get('all')!.inputs.after), [
    { node: 'm.1', port: 'metrics' },
    { node: 'm.2', port: 'metrics' },
  ]);
  assert.deepEqual(plain(g.nodes.get('each.m.2')!.inputs.after), [
    { node: 'm.2', port: 'metrics' },
    { node: 'z.m.2', port: 'out' },
  ]);
  const bad = await loadText(`version: 1
name: t
nodes:
  d: {uses: dataset/spam-assassin}
  m: {uses: model/train, with: {data: "\${d}", epochs: 1}}
  x: {uses: util/echo, with: {after: ["\${m.*.nope}"]}}
  y: {uses: util/echo, with: {after: ["\${m.*.a.b}"]}}
`);
  const messages = bad.diagnostics.map((d) => d.message);
  assert.ok(messages.some((m) => m.includes('nope')), messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('a glob with a port is `${ID.*.PORT}`')), messages.join('\n'));
});
