import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRig, statuses } from '../util/exec-rig.js';

const chain = (add = 1) => ({
  a: { type: 'fake/const', params: { value: 2 } },
  b: { type: 'fake/sum', params: { add }, inputs: { xs: ['a'] } },
  c: { type: 'fake/sum', params: { add: 10 }, inputs: { xs: ['b'] } },
  d: { type: 'fake/const', params: { value: 'independent' } },
});

void test('second run runs nothing', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const first = await rig.run(rig.graph(chain()));
  assert.equal(first.ok, true);
  assert.deepEqual(statuses(first), { a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'succeeded' });
  assert.equal(rig.counter.total(), 4);
  assert.deepEqual((first.nodes.get('c')?.outputs?.out?.manifest as { value: number }).value, 13);
  rig.counter.reset();
  const second = await rig.run(rig.graph(chain()));
  assert.equal(second.ok, true);
  assert.equal(rig.counter.total(), 0);
  assert.deepEqual(statuses(second), { a: 'cached', b: 'cached', c: 'cached', d: 'cached' });
  assert.deepEqual(second.nodes.get('c')?.outputs, first.nodes.get('c')?.outputs);
});

void test('one param change reruns that node and its dependents only', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  await rig.run(rig.graph(chain(1)));
  rig.counter.reset();
  const s = await rig.run(rig.graph(chain(5)));
  assert.deepEqual(statuses(s), { a: 'cached', b: 'succeeded', c: 'succeeded', d: 'cached' });
  assert.deepEqual([...rig.counter.runs.keys()].sort(), ['b', 'c']);
  assert.equal((s.nodes.get('c')?.outputs?.out?.manifest as { value: number }).value, 17);
});

void test('early cut-off: an upstream that reruns with identical output does not rerun dependents', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = (value: number) =>
    rig.graph({
      a: { type: 'fake/const', params: { value } },
      m: { type: 'fake/mod', params: { m: 2 }, inputs: { xs: ['a'] } },
      z: { type: 'fake/sum', params: { add: 100 }, inputs: { xs: ['m'] } },
    });
  await rig.run(g(3));
  rig.counter.reset();
  const s = await rig.run(g(5)); // 5 % 2 === 3 % 2
  assert.deepEqual(statuses(s), { a: 'succeeded', m: 'succeeded', z: 'cached' });
  assert.equal(rig.counter.get('z'), 0);
});

void test('--force reruns the named node even when cached; dependents hit when its output is unchanged', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  await rig.run(rig.graph(chain()));
  rig.counter.reset();
  const s = await rig.run(rig.graph(chain()), { force: ['b'] });
  assert.deepEqual(statuses(s), { a: 'cached', b: 'succeeded', c: 'cached', d: 'cached' });
  assert.equal(rig.counter.get('b'), 1);
  const hit = await rig.cache.get(s.nodes.get('b')?.key as string);
  assert.equal(hit?.record.runs.length, 2, 'a forced rerun appends its run facts');
});

void test('--only runs the selection and what it needs', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const s = await rig.run(rig.graph(chain()), { only: ['b'] });
  assert.deepEqual(statuses(s), { a: 'succeeded', b: 'succeeded' });
  await assert.rejects(rig.run(rig.graph(chain()), { only: ['nope'] }), /no node or group `nope` in the pipeline/);
  await assert.rejects(rig.run(rig.graph(chain()), { force: ['bb'] }), /no node or group `bb` in the pipeline; did you mean `b`\?/);
});

void test('failures are not cached; the rerun runs the failed node again', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = () =>
    rig.graph({
      a: { type: 'fake/const', params: { value: 1 } },
      f: { type: 'fake/fail', inputs: { xs: ['a'] } },
      after: { type: 'fake/sum', inputs: { xs: ['f'] } },
    });
  const first = await rig.run(g());
  assert.equal(first.ok, false);
  assert.deepEqual(statuses(first), { a: 'succeeded', f: 'failed', after: 'skipped' });
  assert.equal(first.failures[0]?.message, 'node f: failed on purpose');
  assert.ok(first.failures[0]?.logFile, 'a failure names its log file');
  rig.counter.reset();
  const second = await rig.run(g());
  assert.deepEqual(statuses(second), { a: 'cached', f: 'failed', after: 'skipped' });
  assert.equal(rig.counter.get('f'), 1);
});

void test('cache: false always runs; its dependents hit when its bytes repeat', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = () =>
    rig.graph({
      a: { type: 'fake/const', params: { value: 7 }, cache: false },
      b: { type: 'fake/sum', inputs: { xs: ['a'] } },
    });
  await rig.run(g());
  rig.counter.reset();
  const s = await rig.run(g());
  assert.deepEqual(statuses(s), { a: 'succeeded', b: 'cached' });
});

void test('one event per status transition, ending in a final status', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  await rig.run(rig.graph(chain()));
  const trail = rig.events.filter((e) => e.kind === 'status' && e.node === 'b').map((e) => (e.kind === 'status' ? `${e.previous}>${e.status}` : ''));
  assert.deepEqual(trail, ['pending>ready', 'ready>running', 'running>succeeded']);
  rig.events.length = 0;
  await rig.run(rig.graph(chain()));
  const warm = rig.events.filter((e) => e.kind === 'status' && e.node === 'b').map((e) => (e.kind === 'status' ? e.status : ''));
  assert.deepEqual(warm, ['ready', 'cached']);
});
