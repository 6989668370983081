import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadText } from '../util/dsl-schemas.js';
import { plain } from '../util/plain.js';

const pipeline = `version: 1
name: t
params:
  layers: 6
  lr: 0.5
  tag: {type: string, default: v1}
  flag: false
  sizes: [1]
  mode: {type: string, enum: [fast, slow], default: fast}
  need: {type: integer, description: must be given}
nodes:
  a:
    uses: util/echo
    with: {value: "\${params.need}"}
`;

async function params(sets: string[]): Promise<Record<string, unknown>> {
  const r = await loadText(pipeline, sets);
  assert.deepEqual(r.diagnostics.map((d) => d.message), []);
  return plain(r.graph!.params);
}

async function errors(sets: string[]): Promise<string[]> {
  const r = await loadText(pipeline, ['need=1', ...sets]);
  assert.equal(r.graph, undefined);
  return r.diagnostics.map((d) => d.message);
}

void test('--set values are YAML scalars checked against the declared or inferred type', async () => {
  const p = await params(['need=3', 'layers=12', 'lr=1', 'flag=true', 'sizes=[1, 2]', 'mode=slow', 'tag=007']);
  assert.deepEqual(p, { layers: 12, lr: 1, tag: '007', flag: true, sizes: [1, 2], mode: 'slow', need: 3 });
});

void test('integer accepted for number; a string param keeps the raw text', async () => {
  const p = await params(['need=0', 'lr=2', 'tag=true']);
  assert.equal(p.lr, 2);
  assert.equal(p.tag, 'true');
});

void test('--set type errors name the param and its type', async () => {
  assert.deepEqual(await errors(['layers=abc']), ['--set layers=abc: param `layers` is integer, got string "abc"']);
  assert.deepEqual(await errors(['layers=1.5']), ['--set layers=1.5: param `layers` is integer, got number 1.5']);
  assert.deepEqual(await errors(['lr=x']), ['--set lr=x: param `lr` is number, got string "x"']);
  assert.deepEqual(await errors(['flag=yes']), ['--set flag=yes: param `flag` is boolean, got string "yes"']);
  assert.deepEqual(await errors(['mode=medium']), ['--set mode=medium: param `mode` must be one of "fast", "slow", got string "medium"']);
});

void test('--set of an unknown param suggests the closest', async () => {
  assert.deepEqual(await errors(['layer=3']), ['--set layer=3: no param `layer`; did you mean `layers`?']);
  assert.deepEqual(await errors(['zzz=3']), ['--set zzz=3: no param `zzz` (its params: layers, lr, tag, flag, sizes, mode, need)']);
  assert.deepEqual(await errors(['novalue']), ['--set novalue: expected key=value']);
});

void test('a declared param without default must be set', async () => {
  const r = await loadText(pipeline);
  assert.deepEqual(r.diagnostics.map((d) => d.message), ['param `need` has no default: pass --set need=VALUE']);
});

void test('the last --set of a key wins', async () => {
  const p = await params(['need=1', 'need=2']);
  assert.equal(p.need, 2);
});
