/**
 * Issue 13: a shell step sees its `data` inputs as files, at paths given in its environment and
 * in `${in.NAME}` of its command; the key never holds those paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeType } from '../../src/artifacts/index.js';
import { makeRig, statuses } from '../util/exec-rig.js';

const upstream: Array<NodeType<never>> = [
  {
    type: 'fake/evaluate',
    version: 1,
    description: 'an evaluation',
    params: { accuracy: {} },
    inputs: {},
    outputs: { evaluation: { type: 'evaluation', description: 'metrics' } },
    async run(_ctx, p) {
      return { evaluation: { accuracy: p.accuracy, macro_f1: 0.5, confusion: [[3, 1], [0, 4]] } };
    },
  } satisfies NodeType<{ accuracy: number }> as unknown as NodeType<never>,
  {
    type: 'fake/model',
    version: 1,
    description: 'a manifest with a tensor and a blob, and a dataset',
    params: {},
    inputs: {},
    outputs: { model: { type: 'model', description: 'tensors' }, data: { type: 'dataset', description: 'splits' } },
    async run(ctx) {
      const w = await ctx.putTensor({ dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
      const vocab = await ctx.putBytes(new TextEncoder().encode('[PAD]\n[UNK]\n'));
      const split = (n: number) => ctx.putBytes(new TextEncoder().encode(`{"text":"t${n}","label":0}\n`));
      return {
        model: { format: 'x', tensors: { 'bert.pooler.dense.weight': w }, tokenizer: { vocab } },
        data: {
          format: 'layerfuse/dataset@1',
          labels: ['a', 'b'],
          splits: { train: await split(1), validation: await split(2), test: await split(3), calibration: await split(4) },
          counts: {},
          source: { path: 'x.jsonl', digest: 'd' },
          seed: 1,
        },
      };
    },
  },
];

void test('a shell step reads an upstream evaluation\'s accuracy from its environment and from ${in.NAME}', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  for (const type of upstream) rig.types.set(type.type, type);
  const g = (accuracy: number) =>
    rig.graph({
      eval: { type: 'fake/evaluate', params: { accuracy } },
      report: {
        type: 'shell',
        params: {
          run:
            `node -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync(process.env.LAYERFUSE_IN_EVAL, 'utf8')).accuracy))" > env.txt && ` +
            // jq-free shell: the accuracy line of the pretty-printed JSON at ${in.eval}
            `grep '"accuracy"' \${in.eval} | tr -d ' ,' | cut -d: -f2 > path.txt && ` +
            `node -e "process.stdout.write(Object.keys(require(process.env.LAYERFUSE_INPUTS)).sort().join(' '))" > index.txt`,
          outputs: ['env.txt', 'path.txt', 'index.txt'],
        },
        inputs: { data: [{ node: 'eval', port: 'evaluation' }] },
      },
    });
  const first = await rig.run(g(0.875));
  assert.equal(first.ok, true, JSON.stringify(first.failures));
  assert.equal(await readFile(join(rig.dir, 'env.txt'), 'utf8'), '0.875');
  assert.equal(await readFile(join(rig.dir, 'path.txt'), 'utf8'), '0.875\n');
  assert.equal(await readFile(join(rig.dir, 'index.txt'), 'utf8'), 'eval eval.evaluation');
  const components = JSON.stringify(first.nodes.get('report')?.components);
  assert.match(components, /\$\{in\.eval\}/, 'the key holds ${in.eval} as written');
  assert.doesNotMatch(components, new RegExp(rig.cacheDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'and no materialized path');
  assert.deepEqual(statuses(await rig.run(g(0.875))), { eval: 'cached', report: 'cached' });
  const changed = await rig.run(g(0.5));
  assert.deepEqual(statuses(changed), { eval: 'succeeded', report: 'succeeded' });
  assert.equal(await readFile(join(rig.dir, 'env.txt'), 'utf8'), '0.5');
});

void test('materialized inputs: a files artifact as its folder, a dataset as JSONL splits, tensors as .npy beside manifest.json', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  for (const type of upstream) rig.types.set(type.type, type);
  const g = rig.graph({
    gen: { type: 'shell', params: { run: 'mkdir -p out && echo hi > out/a.txt', outputs: ['out/a.txt'] } },
    m: { type: 'fake/model' },
    use: {
      type: 'shell',
      params: {
        run:
          'cat ${in.gen}/out/a.txt > got-files.txt && cat $LAYERFUSE_IN_M_DATA/test.jsonl > got-test.jsonl && ' +
          'cp ${in.m.model}/manifest.json got-manifest.json && cp "$LAYERFUSE_IN_M_MODEL/tensors/bert.pooler.dense.weight.npy" got.npy && ' +
          'cat ${in.m.model}/tokenizer/vocab > got-vocab.txt',
        outputs: ['got-files.txt', 'got-test.jsonl', 'got-manifest.json', 'got.npy', 'got-vocab.txt'],
      },
      inputs: { data: [{ node: 'gen', port: 'files' }, { node: 'm', port: 'model' }, { node: 'm', port: 'data' }] },
    },
  });
  const s = await rig.run(g);
  assert.equal(s.ok, true, JSON.stringify(s.failures));
  assert.equal(await readFile(join(rig.dir, 'got-files.txt'), 'utf8'), 'hi\n');
  assert.equal(await readFile(join(rig.dir, 'got-test.jsonl'), 'utf8'), '{"text":"t3","label":0}\n');
  const manifest = JSON.parse(await readFile(join(rig.dir, 'got-manifest.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(manifest, {
    format: 'x',
    tensors: { 'bert.pooler.dense.weight': { $npy: 'tensors/bert.pooler.dense.weight.npy', dtype: 'F32', shape: [2, 2] } },
    tokenizer: { vocab: { $file: 'tokenizer/vocab' } },
  });
  const npy = await readFile(join(rig.dir, 'got.npy'));
  assert.equal(npy.subarray(1, 6).toString(), 'NUMPY');
  assert.deepEqual([...new Float32Array(npy.subarray(npy.length - 16).buffer.slice(npy.byteOffset + npy.length - 16, npy.byteOffset + npy.length))], [1, 2, 3, 4]);
  assert.equal(await readFile(join(rig.dir, 'got-vocab.txt'), 'utf8'), '[PAD]\n[UNK]\n');
});
