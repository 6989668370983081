import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { ExecContext } from '../../src/executor/node-context.js';
import { makeRig } from '../util/exec-rig.js';
import type { NodeType, TensorRef } from '../../src/artifacts/index.js';

function ctxOn(cache: MemoryCache | import('../../src/executor/fs-cache.js').FsCache, logFile: string): ExecContext {
  return new ExecContext({ nodeId: 'n', pipelineDir: '/', tmpDir: '/tmp', backend: 'cpu', signal: new AbortController().signal, cache, logFile });
}

void test('tensors round-trip; identical tensors share one blob', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const ctx = ctxOn(rig.cache as never, join(rig.dir, 'n.log'));
  const a = await ctx.putTensor({ dtype: 'F32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
  const b = await ctx.putTensor({ dtype: 'F32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
  assert.equal(a.$tensor, b.$tensor);
  assert.deepEqual(a, { $tensor: a.$tensor, dtype: 'F32', shape: [2, 2] });
  const back = await ctx.getTensor(a);
  assert.deepEqual([...back.data], [1, 2, 3, 4]);
  const lying: TensorRef = { ...a, shape: [4] };
  await assert.rejects(ctx.getTensor(lying), /F32\[2,2\] but its ref says F32\[4\]/);
  ctx.log('hello');
  ctx.record({ backend: 'cpu', steps: 3 });
  assert.match(await readFile(join(rig.dir, 'n.log'), 'utf8'), /hello\n/);
  assert.deepEqual(ctx.facts, { backend: 'cpu', steps: 3 });
});

void test('memo computes once across concurrent callers and across contexts', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  let computed = 0;
  const compute = async () => {
    computed++;
    await new Promise((r) => setTimeout(r, 20));
    return { acc: 0.75, layers: [1, 2] };
  };
  const c1 = ctxOn(rig.cache as never, join(rig.dir, 'a.log'));
  const c2 = ctxOn(rig.cache as never, join(rig.dir, 'b.log'));
  const key = { model: 'abc', kept: [0, 2], split: 'test' };
  const [x, y] = await Promise.all([c1.memo(key, compute), c2.memo({ split: 'test', kept: [0, 2], model: 'abc' }, compute)]);
  assert.equal(computed, 1);
  assert.deepEqual(x, { acc: 0.75, layers: [1, 2] });
  assert.deepEqual(y, x);
  // A fresh cache object on the same directory (another process) reads the stored value.
  const { FsCache } = await import('../../src/executor/fs-cache.js');
  const c3 = ctxOn(new FsCache(rig.cacheDir), join(rig.dir, 'c.log'));
  assert.deepEqual(await c3.memo(key, compute), x);
  assert.equal(computed, 1);
  assert.deepEqual(await c3.memo({ ...key, split: 'val' }, compute), x);
  assert.equal(computed, 2);
});

void test('a model as a manifest of per-tensor refs: a pruned variant shares unchanged tensors', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const layer = (v: number) => ({ dtype: 'F32' as const, shape: [2], data: Float32Array.from([v, v]) });
  const model: NodeType<never> = {
    type: 'fake/model',
    version: 1,
    description: 'a model of three layers',
    params: {},
    inputs: {},
    outputs: { model: { type: 'model', description: 'model' } },
    async run(ctx) {
      return { model: { layers: [await ctx.putTensor(layer(1)), await ctx.putTensor(layer(2)), await ctx.putTensor(layer(3))] } };
    },
  };
  const prune: NodeType<never> = {
    type: 'fake/prune',
    version: 1,
    description: 'drop the middle layer',
    params: {},
    inputs: { model: { type: 'model', description: 'model' } },
    outputs: { model: { type: 'model', description: 'model' } },
    async run(_ctx, _p, inputs) {
      const m = (inputs.model as { manifest: { layers: TensorRef[] } }).manifest;
      return { model: { layers: [m.layers[0], m.layers[2]] } };
    },
  };
  rig.types.set('fake/model', model);
  rig.types.set('fake/prune', prune);
  const s = await rig.run(rig.graph({ base: { type: 'fake/model' }, small: { type: 'fake/prune', inputs: { model: { node: 'base', port: 'model' } } } }));
  const big = (s.nodes.get('base')?.outputs?.model?.manifest as { layers: TensorRef[] }).layers;
  const small = (s.nodes.get('small')?.outputs?.model?.manifest as { layers: TensorRef[] }).layers;
  assert.deepEqual(small.map((r) => r.$tensor), [big[0]?.$tensor, big[2]?.$tensor]);
});

void test('an in-memory cache runs pipelines too (fast unit tests)', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const cache = new MemoryCache();
  const g = rig.graph({ a: { type: 'fake/const', params: { value: 1 } }, b: { type: 'fake/sum', inputs: { xs: ['a'] } } });
  await rig.run(g, { cache, writeLockFile: false });
  rig.counter.reset();
  const s = await rig.run(g, { cache, writeLockFile: false });
  assert.equal(s.counts.cached, 2);
  assert.equal(rig.counter.total(), 0);
});

void test("the run's compute settings reach every node: --engine, --ort-provider, --threads, --wasm-threads; else cores / -j", async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const seen: unknown[] = [];
  const probe: NodeType<never> = {
    type: 'test/compute',
    version: 1,
    description: 'records ctx.compute',
    params: {},
    inputs: {},
    outputs: { out: { type: 'json', description: 'nothing' } },
    cacheable: false,
    run(ctx) {
      seen.push(ctx.compute);
      return Promise.resolve({ out: {} });
    },
  };
  rig.types.set(probe.type, probe);
  const g = rig.graph({ a: { type: 'test/compute' } });
  await rig.run(g, { workerFor: () => false, engine: 'tfjs', ortProvider: 'cuda', threads: 3, wasmThreads: 2 });
  await rig.run(g, { workerFor: () => false, jobs: 2 });
  assert.deepEqual(seen, [
    { engine: 'tfjs', provider: 'cuda', threads: 3, wasmThreads: 2 },
    // --wasm-threads auto: an in-process node gets 1 (the run's own process keeps one WASM build).
    { engine: 'auto', provider: 'cpu', threads: Math.max(1, Math.floor(availableParallelism() / 2)), wasmThreads: 1, wasmThreadsAuto: true },
  ]);
});
