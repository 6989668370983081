import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeRig, statuses } from '../util/exec-rig.js';

const lines = async (path: string) => (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean);

void test('shell: declared outputs are cached and restored on a hit; a dependent finds them', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = () =>
    rig.graph({
      gen: { type: 'shell', params: { run: 'mkdir -p out && echo 42 > out/gen.txt && echo gen >> runs.log', outputs: ['out/gen.txt'] } },
      use: {
        type: 'shell',
        params: { run: 'cat out/gen.txt out/gen.txt > out/use.txt && echo use >> runs.log', outputs: ['out/use.txt'] },
        inputs: { data: [{ node: 'gen', port: 'files' }] },
      },
    });
  const first = await rig.run(g());
  assert.equal(first.ok, true, JSON.stringify(first.failures));
  assert.equal(await readFile(join(rig.dir, 'out/use.txt'), 'utf8'), '42\n42\n');
  await rm(join(rig.dir, 'out'), { recursive: true });
  const second = await rig.run(g());
  assert.deepEqual(statuses(second), { gen: 'cached', use: 'cached' });
  assert.equal(await readFile(join(rig.dir, 'out/gen.txt'), 'utf8'), '42\n');
  assert.equal(await readFile(join(rig.dir, 'out/use.txt'), 'utf8'), '42\n42\n');
  assert.deepEqual(await lines(join(rig.dir, 'runs.log')), ['gen', 'use'], 'each command ran once');
});

void test('shell: upstream outputs are restored before a dependent that must run', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = (suffix: string) =>
    rig.graph({
      gen: { type: 'shell', params: { run: 'echo base > gen.txt', outputs: ['gen.txt'] } },
      use: { type: 'shell', params: { run: `cat gen.txt > use.txt && echo ${suffix} >> use.txt`, outputs: ['use.txt'] }, inputs: { after: [{ node: 'gen', port: 'files' }] } },
    });
  await rig.run(g('one'));
  await rm(join(rig.dir, 'gen.txt'));
  const s = await rig.run(g('two'));
  assert.deepEqual(statuses(s), { gen: 'cached', use: 'succeeded' });
  assert.equal(await readFile(join(rig.dir, 'use.txt'), 'utf8'), 'base\ntwo\n');
});

void test('shell: declared input files join the key; a missing one is an error naming node and path', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  await mkdir(join(rig.dir, 'data'));
  await writeFile(join(rig.dir, 'data/a.csv'), '1\n');
  await writeFile(join(rig.dir, 'data/b.csv'), '2\n');
  const g = (inputs: string[]) => rig.graph({ count: { type: 'shell', params: { run: 'cat data/*.csv | wc -l > n.txt', inputs, outputs: ['n.txt'] } } });
  const a = await rig.run(g(['data/*.csv']));
  assert.deepEqual(Object.keys(a.nodes.get('count')?.components?.files ?? {}), ['data/a.csv', 'data/b.csv']);
  assert.equal(statuses(await rig.run(g(['data/*.csv']))).count, 'cached');
  await writeFile(join(rig.dir, 'data/b.csv'), '2\n3\n');
  assert.equal(statuses(await rig.run(g(['data/*.csv']))).count, 'succeeded');
  const missing = await rig.run(g(['data/nope.csv']));
  assert.equal(missing.failures[0]?.message, `node count: input file 'data/nope.csv' does not exist (looked in ${rig.dir})`);
});

void test('shell: a failing command reports its exit code and last output lines; nothing is cached', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = rig.graph({ bad: { type: 'shell', params: { run: 'echo first; echo "it broke" >&2; exit 3' } } });
  const s = await rig.run(g);
  const f = s.failures[0];
  assert.equal(f?.message, 'node bad: command exited with code 3; last output:\n  first\n  it broke');
  assert.match(await readFile(f?.logFile as string, 'utf8'), /it broke/);
  assert.equal(await rig.cache.get(s.nodes.get('bad')?.key as string), undefined);
  const missing = await rig.run(rig.graph({ lazy: { type: 'shell', params: { run: 'true', outputs: ['never.txt'] } } }));
  assert.equal(missing.failures[0]?.message, "node lazy: the command succeeded but did not write its declared output 'never.txt'");
});

void test('shell in a worker subprocess (run-node): same result, run facts name the worker', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = rig.graph({ w: { type: 'shell', params: { run: 'echo from-worker > w.txt', outputs: ['w.txt'] } } });
  const s = await rig.run(g, { workerFor: () => true });
  assert.equal(s.ok, true, JSON.stringify(s.failures));
  const hit = await rig.cache.get(s.nodes.get('w')?.key as string);
  const facts = hit?.record.runs.at(-1);
  assert.equal(facts?.worker, true);
  assert.notEqual(facts?.pid, process.pid);
  assert.equal(await readFile(join(rig.dir, 'w.txt'), 'utf8'), 'from-worker\n');
  const failing = await rig.run(rig.graph({ f: { type: 'shell', params: { run: 'exit 4' } } }), { workerFor: () => true });
  assert.equal(failing.failures[0]?.message, 'node f: command exited with code 4 with no output');
});

void test('shell: a command killed by a signal says which, whether the shell or a child of it died', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const direct = await rig.run(rig.graph({ k: { type: 'shell', params: { run: 'kill -KILL $$' } } }));
  assert.equal(direct.failures[0]?.message, 'node k: command was killed by SIGKILL with no output');
  const child = await rig.run(rig.graph({ c: { type: 'shell', params: { run: "sh -c 'kill -TERM $$'" } } }));
  assert.match(child.failures[0]?.message ?? '', /^node c: command was killed by SIGTERM \(exit code 143\)/);
});

void test('gpu pool: CUDA_VISIBLE_DEVICES=0,1 gives concurrent workers different devices (CUDA and WebGPU adapter)', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  // Each node records its device, then waits until both have started: they must overlap.
  const cmd = (me: string, other: string) =>
    `echo $CUDA_VISIBLE_DEVICES/$LAYERFUSE_WEBGPU_ADAPTER > dev-${me}.txt; i=0; while [ ! -f dev-${other}.txt ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; cp dev-${me}.txt out-${me}.txt`;
  const g = rig.graph({
    g1: { type: 'shell', params: { run: cmd('g1', 'g2'), outputs: ['out-g1.txt'] }, resources: { gpu: 1 } },
    g2: { type: 'shell', params: { run: cmd('g2', 'g1'), outputs: ['out-g2.txt'] }, resources: { gpu: 1 } },
    g3: { type: 'shell', params: { run: 'echo $CUDA_VISIBLE_DEVICES > out-g3.txt', outputs: ['out-g3.txt'] }, resources: { gpu: 1 }, needs: [] },
  });
  const s = await rig.run(g, { env: { ...process.env, CUDA_VISIBLE_DEVICES: '0,1' } });
  assert.equal(s.ok, true, JSON.stringify(s.failures));
  const d1 = (await readFile(join(rig.dir, 'out-g1.txt'), 'utf8')).trim();
  const d2 = (await readFile(join(rig.dir, 'out-g2.txt'), 'utf8')).trim();
  assert.deepEqual([d1, d2].sort(), ['0/0', '1/1']);
  assert.match((await readFile(join(rig.dir, 'out-g3.txt'), 'utf8')).trim(), /^[01]$/);
  await assert.rejects(
    rig.run(rig.graph({ g: { type: 'shell', params: { run: 'true' }, resources: { gpu: 1 } } }), { env: { ...process.env, CUDA_VISIBLE_DEVICES: '' } }),
    /node g: needs gpu: 1 but the gpu pool has 0 slots/,
  );
});

void test('two runs on one cache at once: the node runs once, the other run reuses it', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const { FsCache } = await import('../../src/executor/fs-cache.js');
  const g = rig.graph({ slow: { type: 'shell', params: { run: 'sleep 0.4; echo once >> runs.log; echo done > slow.txt', outputs: ['slow.txt'] } } });
  const [a, b] = await Promise.all([rig.run(g), rig.run(g, { cache: new FsCache(rig.cacheDir) })]);
  assert.deepEqual([statuses(a).slow, statuses(b).slow].sort(), ['cached', 'succeeded']);
  assert.deepEqual(await lines(join(rig.dir, 'runs.log')), ['once']);
  assert.equal(existsSync(join(rig.cacheDir, 'locks', `${a.nodes.get('slow')?.key}.lock`)), false, 'lock released');
});

void test('a node waiting on another run\'s lock gives its -j slot to nodes that can run', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const { MemoryCache } = await import('../../src/executor/memory-cache.js');
  const g = rig.graph({ x: { type: 'fake/const', params: { value: 1 } }, y: { type: 'fake/const', params: { value: 2 } } });
  // x's key (keys do not depend on the cache), then "another run" holds x's lock.
  const probe = await rig.run(g, { cache: new MemoryCache(), writeLockFile: false });
  const xKey = probe.nodes.get('x')!.key!;
  const other = await rig.cache.lock(xKey);
  rig.events.length = 0;
  const run = rig.run(g, { jobs: 1 });
  const finished = (id: string): boolean => rig.events.some((e) => e.kind === 'status' && e.node === id && e.status === 'succeeded');
  const end = Date.now() + 10_000;
  while (!finished('y') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(finished('y'), 'y ran with the only slot while x waited for the lock');
  assert.equal(finished('x'), false);
  await other.release();
  const s = await run;
  assert.deepEqual(statuses(s), { x: 'succeeded', y: 'succeeded' });
});

void test('shell: `publish` copies outputs into results/<pipeline>/<node>/ on every run, cached or not', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const g = (publish: string[]) =>
    rig.graph(
      {
        rep: { type: 'shell', params: { run: 'mkdir -p out/figs && echo report > out/report.md && echo svg > out/figs/a.svg && echo x > tmp.txt', outputs: ['out', 'tmp.txt'], publish } },
        plain: { type: 'shell', params: { run: 'echo plain > plain.txt', outputs: ['plain.txt'] } },
      },
      'site',
    );
  const first = await rig.run(g(['out/report.md', 'out/figs/']));
  assert.equal(first.ok, true, JSON.stringify(first.failures));
  const dir = join(rig.dir, 'results', 'site', 'rep');
  assert.equal(first.nodes.get('rep')?.resultsDir, dir);
  assert.equal(first.nodes.get('plain')?.resultsDir, undefined, 'a node that publishes nothing has no results folder');
  assert.equal(await readFile(join(dir, 'out/report.md'), 'utf8'), 'report\n');
  assert.equal(await readFile(join(dir, 'out/figs/a.svg'), 'utf8'), 'svg\n');
  assert.equal(existsSync(join(dir, 'tmp.txt')), false, 'only what `publish` names');
  assert.equal(existsSync(join(rig.dir, 'results', 'site', 'plain')), false);
  await rm(join(rig.dir, 'results'), { recursive: true });
  const second = await rig.run(g(['out/report.md', 'out/figs/']));
  assert.deepEqual(statuses(second), { plain: 'cached', rep: 'cached' });
  assert.equal(await readFile(join(dir, 'out/report.md'), 'utf8'), 'report\n', 'published again from the cache');
  const bad = await rig.run(g(['nope.md']));
  assert.match(bad.nodes.get('rep')?.message ?? '', /^node rep: publish 'nope.md' is not among its declared outputs \(out\/figs\/a.svg, out\/report.md, tmp.txt\)$/);
});

void test('shell: `::progress DONE/TOTAL message` lines become progress events, and stay out of a failure\'s tail', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const s = await rig.run(rig.graph({ p: { type: 'shell', params: { run: 'echo "::progress 1/3 first"; echo "::progress 3/3"; echo real; exit 2' } } }));
  const progress = rig.events.flatMap((e) => (e.kind === 'progress' ? [e.progress] : []));
  assert.deepEqual(progress, [{ done: 1, total: 3, message: 'first' }, { done: 3, total: 3 }]);
  assert.equal(s.failures[0]?.message, 'node p: command exited with code 2; last output:\n  real');
});
