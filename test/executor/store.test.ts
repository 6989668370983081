import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { gcCache } from '../../src/executor/gc.js';
import { lockFilePath } from '../../src/executor/pipeline-lock.js';
import { verifyCache } from '../../src/executor/verify.js';
import type { FsCache } from '../../src/executor/fs-cache.js';
import type { NodeType } from '../../src/artifacts/index.js';
import { makeRig, statuses } from '../util/exec-rig.js';

const report: NodeType<never> = {
  type: 'fake/report',
  version: 1,
  description: 'writes a report for people',
  params: { title: {} },
  inputs: {},
  outputs: { report: { type: 'files', description: 'report', publish: true } },
  async run(ctx, p: { title?: string }) {
    const enc = new TextEncoder();
    const files: Record<string, unknown> = { 'report.md': await ctx.putBytes(enc.encode(`# ${p.title ?? 'report'}\n`)) };
    if (p.title !== 'short') files['data/table.csv'] = await ctx.putBytes(enc.encode('a,b\n1,2\n'));
    return { report: { files } };
  },
};

void test('published outputs are materialized into results/<pipeline>/<node>/ on every run, cached or not', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  rig.types.set('fake/report', report);
  const g = (title: string) => rig.graph({ rep: { type: 'fake/report', params: { title } } }, 'demo');
  const s = await rig.run(g('hello'));
  const out = join(rig.dir, 'results', 'demo', 'rep');
  assert.equal(s.nodes.get('rep')?.resultsDir, out);
  assert.equal(await readFile(join(out, 'report.md'), 'utf8'), '# hello\n');
  assert.equal(await readFile(join(out, 'data/table.csv'), 'utf8'), 'a,b\n1,2\n');
  await rm(join(rig.dir, 'results'), { recursive: true });
  const again = await rig.run(g('hello'));
  assert.equal(statuses(again).rep, 'cached');
  assert.equal(await readFile(join(out, 'report.md'), 'utf8'), '# hello\n');
  await rig.run(g('short'));
  assert.equal(existsSync(join(out, 'data/table.csv')), false, 'files of an earlier result are removed');
});

void test('the lock file records key components and output digests, deterministically', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const specs = {
    a: { type: 'fake/const', params: { value: 1 } },
    b: { type: 'fake/sum', params: { add: 2 }, inputs: { xs: ['a'] } },
  };
  const s = await rig.run(rig.graph(specs));
  const path = lockFilePath(join(rig.dir, 'test.yaml'));
  assert.equal(path, join(rig.dir, 'test.lock.json'));
  const text = await readFile(path, 'utf8');
  const lock = JSON.parse(text) as { version: number; pipeline: string; nodes: Record<string, { key: string; components: { params: unknown; inputs: unknown }; outputs: Record<string, string> }> };
  assert.equal(lock.version, 1);
  assert.equal(lock.pipeline, 'test');
  assert.deepEqual(Object.keys(lock.nodes), ['a', 'b']);
  assert.equal(lock.nodes.b?.key, s.nodes.get('b')?.key);
  assert.deepEqual(lock.nodes.b?.components.params, { add: 2 });
  assert.deepEqual(lock.nodes.b?.components.inputs, { xs: [s.nodes.get('a')?.outputs?.out?.digest] });
  assert.deepEqual(lock.nodes.b?.outputs, { out: s.nodes.get('b')?.outputs?.out?.digest });
  assert.match(text, /^\{\n {2}"nodes": \{\n {4}"a": \{/, 'pretty, keys sorted');
  await rig.run(rig.graph(specs));
  assert.equal(await readFile(path, 'utf8'), text, 'a warm rerun leaves it byte-identical');
  await rig.run(rig.graph({ a: specs.a }));
  assert.deepEqual(Object.keys((JSON.parse(await readFile(path, 'utf8')) as typeof lock).nodes), ['a'], 'removed nodes leave it');
});

void test('runs of one pipeline that finish at once all land in its lock file (run-node jobs)', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const ids = Array.from({ length: 8 }, (_, i) => `n${i}`);
  const g = rig.graph(Object.fromEntries(ids.map((id, i) => [id, { type: 'fake/const', params: { value: i } }])));
  // Each run finishes one node; without serializing the lock file's read-merge-write they all
  // merge into the same old file and the last write drops the others.
  await Promise.all(ids.map((id) => rig.run(g, { only: [id] })));
  const lock = JSON.parse(await readFile(lockFilePath(join(rig.dir, 'test.yaml')), 'utf8')) as { nodes: Record<string, unknown> };
  assert.deepEqual(Object.keys(lock.nodes).sort(), ids);
});

async function objectFiles(cache: FsCache): Promise<string[]> {
  const out: string[] = [];
  for (const p of await readdir(join(cache.dir, 'objects'))) for (const r of await readdir(join(cache.dir, 'objects', p))) out.push(join(cache.dir, 'objects', p, r));
  return out;
}

void test('verify: passes on a good cache, ignores temp leftovers, names corrupt and missing objects', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  rig.types.set('fake/report', report);
  await rig.run(rig.graph({ rep: { type: 'fake/report', params: { title: 'x' } } }));
  const cache = rig.cache as FsCache;
  await writeFile(join(cache.dir, 'index', '.tmp-leftover'), 'half');
  const ok = await verifyCache(cache);
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.entries, 1);
  assert.equal(ok.leftovers, 1);
  const [first, second] = await objectFiles(cache);
  await writeFile(first as string, 'tampered');
  await rm(second as string);
  const bad = await verifyCache(cache);
  assert.equal(bad.problems.length, 2 + 0, bad.problems.join('\n'));
  assert.ok(bad.problems.some((p) => /corrupted/.test(p)));
  assert.ok(bad.problems.some((p) => /node rep\): object [0-9a-f]{64} is missing/.test(p)));
});

void test('gc keeps what lock files reference and what was used recently; deletes the rest', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  rig.types.set('fake/report', report);
  const old = await rig.run(rig.graph({ rep: { type: 'fake/report', params: { title: 'old' } } }));
  const keep = await rig.run(rig.graph({ rep: { type: 'fake/report', params: { title: 'kept' } } }));
  const cache = rig.cache as FsCache;
  const longAgo = new Date(Date.now() - 30 * 86_400_000);
  for (const dir of ['index', 'objects']) {
    for (const f of dir === 'index' ? (await readdir(join(cache.dir, 'index'))).map((k) => join(cache.dir, 'index', k)) : await objectFiles(cache)) await utimes(f, longAgo, longAgo);
  }
  const keepKey = keep.nodes.get('rep')?.key as string;
  const dry = await gcCache(cache, { keepKeys: new Set([keepKey]), keepDays: 7, dryRun: true });
  assert.equal(dry.removedEntries, 1);
  assert.equal(existsSync(cache.indexPath(old.nodes.get('rep')?.key as string)), true, 'dry run deletes nothing');
  const r = await gcCache(cache, { keepKeys: new Set([keepKey]), keepDays: 7, dryRun: false });
  assert.equal(r.removedEntries, 1);
  assert.equal(r.keptEntries, 1);
  assert.ok(r.removedObjects >= 1);
  assert.equal(r.youngObjects, 0, 'every object was made old');
  const fresh = await cache.putBytes(new TextEncoder().encode('a run in progress wrote this'));
  const young = await gcCache(cache, { keepKeys: new Set([keepKey]), keepDays: 7, dryRun: false });
  assert.equal(young.youngObjects, 1, 'an unreferenced object inside the grace period is kept and counted');
  assert.equal(await cache.hasObject(fresh.$blob), true);
  assert.equal(existsSync(cache.indexPath(old.nodes.get('rep')?.key as string)), false);
  assert.deepEqual((await verifyCache(cache)).problems, []);
  assert.equal(statuses(await rig.run(rig.graph({ rep: { type: 'fake/report', params: { title: 'kept' } } }))).rep, 'cached');
});

void test('a lock left by a dead process is taken over', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid as number;
  await mkdir(join(rig.cacheDir, 'locks'), { recursive: true });
  await writeFile(join(rig.cacheDir, 'locks', 'k.lock'), JSON.stringify({ pid: dead, host: hostname(), token: 'x', since: '' }));
  const lock = await rig.cache.lock('k');
  const owner = JSON.parse(await readFile(join(rig.cacheDir, 'locks', 'k.lock'), 'utf8')) as { pid: number };
  assert.equal(owner.pid, process.pid);
  await lock.release();
  assert.equal(existsSync(join(rig.cacheDir, 'locks', 'k.lock')), false);
});
