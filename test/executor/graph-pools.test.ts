import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectNodes, upstreamClosure } from '../../src/executor/graph.js';
import { globToRegExp } from '../../src/executor/input-files.js';
import { detectGpuSlots, ResourcePools } from '../../src/executor/pools.js';
import { makeGraph } from '../util/exec-rig.js';

const g = makeGraph('/tmp', 'g', {
  a: { type: 't' },
  'score.x': { type: 't', inputs: { m: 'a' } },
  'score.y': { type: 't', inputs: { m: 'a' } },
  fuse: { type: 't', inputs: { s: ['score.x', 'score.y'] } },
  lone: { type: 't', needs: ['a'] },
});

void test('graph helpers: nodes in topological order with ties by id, closures, groups', () => {
  assert.deepEqual([...g.nodes.keys()], ['a', 'lone', 'score.x', 'score.y', 'fuse']);
  assert.deepEqual([...upstreamClosure(g, ['fuse'])].sort(), ['a', 'fuse', 'score.x', 'score.y']);
  assert.deepEqual([...upstreamClosure(g, ['lone', 'a'])].sort(), ['a', 'lone']);
  assert.deepEqual([...upstreamClosure(g, [])], []);
  assert.deepEqual(selectNodes(g, ['score', 'nope']), { ids: new Set(['score.x', 'score.y']), unknown: ['nope'] });
});

void test('gpu slots come from CUDA_VISIBLE_DEVICES (empty means none)', () => {
  assert.deepEqual(detectGpuSlots({ CUDA_VISIBLE_DEVICES: '0, 2' }), ['0', '2']);
  assert.deepEqual(detectGpuSlots({ CUDA_VISIBLE_DEVICES: '' }), []);
  assert.deepEqual(detectGpuSlots({ CUDA_VISIBLE_DEVICES: '-1' }), []);
});

void test('gpu slots come from LAYERFUSE_WEBGPU_ADAPTERS when CUDA_VISIBLE_DEVICES is unset (GPUs without nvidia-smi)', () => {
  assert.deepEqual(detectGpuSlots({ LAYERFUSE_WEBGPU_ADAPTERS: '0,1, 3' }), ['0', '1', '3']);
  assert.deepEqual(detectGpuSlots({ LAYERFUSE_WEBGPU_ADAPTERS: '' }), []);
  // CUDA's list wins where both are set: the pool's slots are CUDA device ids there.
  assert.deepEqual(detectGpuSlots({ CUDA_VISIBLE_DEVICES: '2', LAYERFUSE_WEBGPU_ADAPTERS: '0,1' }), ['2']);
});

void test('pools grant distinct slots, queue first-come first-served, and refuse the impossible', async () => {
  const pools = new ResourcePools({ gpu: ['0', '1'] });
  const a = await pools.acquire({ gpu: 1 });
  const b = await pools.acquire({ gpu: 1 });
  assert.deepEqual([a.slots.gpu, b.slots.gpu], [['0'], ['1']]);
  let got: string[] | undefined;
  const c = pools.acquire({ gpu: 2 }).then((x) => (got = x.slots.gpu));
  a.release();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(got, undefined, 'two slots are not free yet');
  b.release();
  await c;
  assert.deepEqual(got, ['0', '1']);
  assert.equal(pools.impossible({ gpu: 3 }), 'needs gpu: 3 but the gpu pool has 2 slots (from CUDA_VISIBLE_DEVICES, else LAYERFUSE_WEBGPU_ADAPTERS, else nvidia-smi -L)');
  assert.equal(new ResourcePools({}).impossible({ gpu: 0 }), undefined);
});

void test('simple globs: *, ?, ** ', () => {
  assert.equal(globToRegExp('data/*.csv').test('data/a.csv'), true);
  assert.equal(globToRegExp('data/*.csv').test('data/sub/a.csv'), false);
  assert.equal(globToRegExp('data/**/*.csv').test('data/a.csv'), true);
  assert.equal(globToRegExp('data/**/*.csv').test('data/x/y/a.csv'), true);
  assert.equal(globToRegExp('file?.txt').test('file1.txt'), true);
  assert.equal(globToRegExp('a.b').test('axb'), false);
});

void test('the --only closure of a 20,000-node chain needs no deep recursion', () => {
  const specs: Record<string, { type: string; needs?: string[] }> = {};
  for (let i = 0; i < 20000; i++) specs[`n${i}`] = { type: 't', ...(i > 0 ? { needs: [`n${i - 1}`] } : {}) };
  const chain = makeGraph('/tmp', 'chain', specs);
  assert.equal(upstreamClosure(chain, ['n19999']).size, 20000);
});
