/**
 * A corrupt object in the cache (a flipped byte in cache/objects) is never used silently: a hit
 * whose files would be restored or published from it turns into a rerun of the node, and a node
 * reading it fails naming the object, after which the next run recomputes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { CorruptObjectError } from '../../src/executor/errors.js';
import type { FsCache } from '../../src/executor/fs-cache.js';
import { verifyCache } from '../../src/executor/verify.js';
import type { BlobRef, NodeType } from '../../src/artifacts/index.js';
import { makeRig, statuses, type Rig } from '../util/exec-rig.js';

async function corrupt(cache: FsCache, digest: string): Promise<void> {
  const path = cache.objectPath(digest);
  await chmod(path, 0o644);
  const bytes = await readFile(path);
  bytes[0] = bytes[0]! ^ 1;
  await writeFile(path, bytes);
}

function warnings(rig: Rig): string[] {
  return rig.events.flatMap((e) => (e.kind === 'warning' ? [`${e.node}: ${e.message}`] : []));
}

void test('FsCache: getBytes refuses a corrupt object, names it and moves it out of the store', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const cache = rig.cache as FsCache;
  const ref = await cache.putBytes(new TextEncoder().encode('precious bytes'));
  assert.equal(await cache.checkObject(ref.$blob), undefined, 'a sound object passes');
  await corrupt(cache, ref.$blob);
  const err = await cache.getBytes(ref.$blob).then(
    () => assert.fail('a corrupt object must not be returned'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CorruptObjectError);
  assert.equal(err.digest, ref.$blob);
  assert.match(err.message, new RegExp(`^cache object ${ref.$blob} is corrupted \\(its bytes hash to [0-9a-f]{12}…\\); it was moved to .*corrupt.*, so the node that made it runs again on the next run$`));
  assert.equal(await cache.hasObject(ref.$blob), false);
  assert.deepEqual((await readdir(join(rig.cacheDir, 'corrupt'))).length, 1);
  // Stored again, the object is whole.
  await cache.putBytes(new TextEncoder().encode('precious bytes'));
  assert.equal(sha256Hex(await cache.getBytes(ref.$blob)), ref.$blob);
});

const report: NodeType<never> = {
  type: 'fake/report',
  version: 1,
  description: 'a report for people',
  params: {},
  inputs: {},
  outputs: { report: { type: 'files', description: 'report', publish: true } },
  async run(ctx) {
    return { report: { files: { 'report.md': await ctx.putBytes(new TextEncoder().encode('# the report\n')) } } };
  },
};

void test('a hit whose published file is corrupt reruns the node instead of publishing bad bytes', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  rig.types.set('fake/report', report);
  const g = rig.graph({ rep: { type: 'fake/report' } }, 'demo');
  const first = await rig.run(g);
  const ref = (first.nodes.get('rep')?.outputs?.report?.manifest as { files: Record<string, BlobRef> }).files['report.md']!;
  await corrupt(rig.cache as FsCache, ref.$blob);
  await rm(join(rig.dir, 'results'), { recursive: true });
  const second = await rig.run(g);
  assert.deepEqual(statuses(second), { rep: 'succeeded' });
  assert.equal(await readFile(join(rig.dir, 'results', 'demo', 'rep', 'report.md'), 'utf8'), '# the report\n');
  assert.equal(warnings(rig).length, 1);
  assert.match(warnings(rig)[0]!, new RegExp(`^rep: cache object ${ref.$blob} is corrupted \\(moved to .*\\); running the node again$`));
  assert.deepEqual((await verifyCache(rig.cache as FsCache)).problems, []);
});

void test('shell: a corrupt output object is not restored; the node reruns and the file is right', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = rig.graph({
    w: { type: 'shell', params: { run: 'echo ran >> runs.log; echo words > w.txt', inputs: [], outputs: ['w.txt'] } },
    r: { type: 'shell', params: { run: 'cat w.txt > r.txt', inputs: [], outputs: ['r.txt'] }, inputs: { data: [{ node: 'w', port: 'files' }] } },
  });
  const first = await rig.run(g);
  assert.equal(first.ok, true);
  const ref = (first.nodes.get('w')?.outputs?.files?.manifest as { files: Record<string, BlobRef> }).files['w.txt']!;
  await corrupt(rig.cache as FsCache, ref.$blob);
  await rm(join(rig.dir, 'w.txt'));
  const second = await rig.run(g);
  assert.deepEqual(statuses(second), { w: 'succeeded', r: 'cached' }, 'same bytes again: the dependent still hits');
  assert.equal(await readFile(join(rig.dir, 'w.txt'), 'utf8'), 'words\n');
  assert.equal(await readFile(join(rig.dir, 'runs.log'), 'utf8'), 'ran\nran\n');
  assert.equal(existsSync(join(rig.dir, 'w.txt.layerfuse-' + process.pid + '.tmp')), false, 'no temp file left beside it');
  assert.deepEqual((await verifyCache(rig.cache as FsCache)).problems, []);
});

const blobTypes: Array<NodeType<never>> = [
  {
    type: 'fake/blob',
    version: 1,
    description: 'stores bytes',
    params: {},
    inputs: {},
    outputs: { out: { type: 'json', description: 'a blob ref' } },
    async run(ctx) {
      return { out: { data: await ctx.putBytes(new TextEncoder().encode('tensor-ish bytes')) } };
    },
  },
  {
    type: 'fake/read',
    version: 1,
    description: 'reads the blob of its input',
    params: {},
    inputs: { xs: { type: 'json', description: 'input', many: true } },
    outputs: { out: { type: 'json', description: 'length' } },
    async run(ctx, _p, inputs) {
      const [a] = inputs.xs as Array<{ manifest: { data: BlobRef } }>;
      return { out: { value: (await ctx.getBytes(a!.manifest.data)).length } };
    },
  },
];

void test('a node reading a corrupt object fails naming it; the next run recomputes the object', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  for (const type of blobTypes) rig.types.set(type.type, type);
  const g = (n: number) => rig.graph({ b: { type: 'fake/blob' }, r: { type: 'fake/read', params: {}, inputs: { xs: ['b'] } }, pad: { type: 'fake/const', params: { value: n } } });
  const first = await rig.run(g(1));
  const digest = (first.nodes.get('b')?.outputs?.out?.manifest as { data: BlobRef }).data.$blob;
  await corrupt(rig.cache as FsCache, digest);
  const second = await rig.run(g(1), { force: ['r'] });
  assert.equal(statuses(second).r, 'failed');
  assert.match(second.nodes.get('r')?.message ?? '', new RegExp(`^cache object ${digest} is corrupted`));
  const third = await rig.run(g(1));
  assert.deepEqual(statuses(third), { b: 'succeeded', r: 'cached', pad: 'cached' }, 'b makes the same bytes again: r keeps its result');
  assert.equal(sha256Hex(await rig.cache.getBytes(digest)), digest);
});

void test('an index entry of the wrong shape or edited by hand is put aside with a warning and its node reruns', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = rig.graph({ a: { type: 'fake/const', params: { value: 41 } }, b: { type: 'fake/sum', params: { add: 1 }, inputs: { xs: ['a'] } } });
  const first = await rig.run(g);
  const keyA = first.nodes.get('a')!.key!;
  const indexA = join(rig.cacheDir, 'index', keyA);
  for (const bad of ['null', '[]', '{"bogus":1}', (await readFile(indexA, 'utf8')).replace('"manifest":{"value":41}', '"manifest":{"value":42}')]) {
    await writeFile(indexA, bad);
    rig.counter.reset();
    rig.events.length = 0;
    const again = await rig.run(g);
    assert.deepEqual(statuses(again), { a: 'succeeded', b: 'cached' }, bad);
    assert.equal(rig.counter.get('a'), 1);
    assert.equal(warnings(rig).length, 1, bad);
    assert.match(warnings(rig)[0]!, new RegExp(`^a: cache entry ${keyA.slice(0, 12)} .*; moved to .*corrupt.*index-${keyA}.*; running the node again$`));
  }
  assert.deepEqual((await verifyCache(rig.cache as FsCache)).problems, []);
});

const memoTypes: Array<NodeType<never>> = [
  {
    type: 'fake/memo-eval',
    version: 1,
    description: 'an evaluation memoized across nodes',
    params: { tag: {} },
    inputs: {},
    outputs: { out: { type: 'json', description: 'accuracy' } },
    async run(ctx) {
      const value = await ctx.memo({ eval: 'same-model' }, async () => {
        ctx.log('computing');
        return { accuracy: 0.9 };
      });
      return { out: value };
    },
  },
];

void test('a memoized value edited by hand is caught by verify and recomputed (with a warning), never used', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  for (const type of memoTypes) rig.types.set(type.type, type);
  const first = await rig.run(rig.graph({ e1: { type: 'fake/memo-eval', params: { tag: 1 } } }));
  assert.equal(first.ok, true);
  const memoDir = join(rig.cacheDir, 'memo');
  const [name] = (await readdir(memoDir)).filter((n) => !n.startsWith('.'));
  const path = join(memoDir, name!);
  await writeFile(path, (await readFile(path, 'utf8')).replace('0.9', '0.99'));
  const verified = await verifyCache(rig.cache as FsCache);
  assert.deepEqual(verified.problems, [`memo ${name}: does not match its digest (its value was changed after it was stored) (a run moves it to corrupt/ and computes it again)`]);
  rig.events.length = 0;
  const second = await rig.run(rig.graph({ e2: { type: 'fake/memo-eval', params: { tag: 2 } } }));
  assert.deepEqual(second.nodes.get('e2')?.outputs?.out?.manifest, { accuracy: 0.9 }, 'recomputed, not the edited 0.99');
  assert.equal(warnings(rig).length, 1);
  assert.match(warnings(rig)[0]!, /^e2: memoized value [0-9a-f]{12} does not match its digest .*; moved to .*corrupt.*; computing it again$/);
  assert.deepEqual((await verifyCache(rig.cache as FsCache)).problems, []);
});

void test('memoize from a fresh cache handle (as a worker opens one): an edited value is recomputed and reported to its caller', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const { memoize } = await import('../../src/executor/node-context.js');
  await memoize(rig.cache, { eval: 'k' }, async () => ({ accuracy: 0.5 }));
  const memoDir = join(rig.cacheDir, 'memo');
  const [name] = (await readdir(memoDir)).filter((n) => !n.startsWith('.'));
  await writeFile(join(memoDir, name!), (await readFile(join(memoDir, name!), 'utf8')).replace('0.5', '0.7'));
  const seen: string[] = [];
  const { FsCache } = await import('../../src/executor/fs-cache.js');
  const value = await memoize(new FsCache(rig.cacheDir), { eval: 'k' }, async () => ({ accuracy: 0.5 }), undefined, (m) => seen.push(m));
  assert.deepEqual(value, { accuracy: 0.5 });
  assert.equal(seen.length, 1);
});
