/**
 * Worker processes kept between nodes (worker-pool.ts): a worker that finished a job cleanly
 * serves the next job of the same spawn signature; a failed or stopped job, a job count or a
 * memory bound retire it; the run's end shuts every one down; each job's key lock names the
 * worker for that job only. Real `shell` nodes run in real workers (`$PPID` of a command is its
 * worker) and each run record carries the pid of the process that ran it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexRecord } from '../../src/executor/cache.js';
import { FsCache } from '../../src/executor/fs-cache.js';
import { pidAlive } from '../../src/executor/fs-lock.js';
import type { Job } from '../../src/executor/job.js';
import { keyOf, KEY_VERSION, type KeyComponents } from '../../src/executor/key.js';
import { maxRssFrom, reuseWorkersFrom } from '../../src/executor/local-runner.js';
import { defaultCompute } from '../../src/executor/node-context.js';
import { spawnSignature, WorkerPool } from '../../src/executor/worker-pool.js';
import { makeRig, statuses, type Rig } from '../util/exec-rig.js';

const pidOf = async (rig: Rig, name: string): Promise<number> => Number((await readFile(join(rig.dir, name), 'utf8')).trim());

/** The run record of a node, from the cache. */
async function runOf(rig: Rig, node: string): Promise<IndexRecord['runs'][number]> {
  for (const name of await readdir(join(rig.cacheDir, 'index'))) {
    if (name.startsWith('.')) continue;
    const r = JSON.parse(await readFile(join(rig.cacheDir, 'index', name), 'utf8')) as IndexRecord;
    if (r.node === node) return r.runs.at(-1)!;
  }
  throw new Error(`no record of ${node}`);
}

/** A command that leaves its worker's pid (and the key locks held while it runs) in files named after `id`. */
const note = (rig: Rig, id: string, tail = ''): string => `cat ${join(rig.cacheDir, 'locks')}/*.lock > ${id}.lock; echo $PPID > ${id}.pid${tail}`;

interface LockFile {
  pid: number;
  token: string;
  also?: number[];
}

void test('one worker serves consecutive worker nodes; each job\'s lock names it, and is released after the job; the run\'s end stops it', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const s = await rig.run(
    rig.graph({
      a: { type: 'shell', params: { run: note(rig, 'a') } },
      b: { type: 'shell', params: { run: note(rig, 'b') }, needs: ['a'] },
    }),
    { jobs: 1, workerFor: () => true },
  );
  assert.deepEqual(statuses(s), { a: 'succeeded', b: 'succeeded' });
  const worker = await pidOf(rig, 'a.pid');
  assert.equal(await pidOf(rig, 'b.pid'), worker, 'b ran in a\'s worker');
  const [ra, rb] = [await runOf(rig, 'a'), await runOf(rig, 'b')];
  assert.deepEqual([ra.pid, ra.workerJob, rb.pid, rb.workerJob], [worker, 1, worker, 2]);

  // While each command ran, the only lock was its own key's: this run, with the worker as a holder.
  const la = JSON.parse(await readFile(join(rig.dir, 'a.lock'), 'utf8')) as LockFile;
  const lb = JSON.parse(await readFile(join(rig.dir, 'b.lock'), 'utf8')) as LockFile;
  for (const l of [la, lb]) {
    assert.equal(l.pid, process.pid);
    assert.equal(l.also?.[0], worker, 'the worker holds the key with the run');
  }
  assert.notEqual(la.token, lb.token, 'two locks, one per job');
  assert.deepEqual((await readdir(join(rig.cacheDir, 'locks'))).filter((n) => n.endsWith('.lock')), [], 'every lock released');
  assert.equal(pidAlive(worker), false, 'the run shut its worker down');
});

void test('a failed job retires its worker: the next node gets a fresh one, which is then reused', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const s = await rig.run(
    rig.graph({
      f: { type: 'shell', params: { run: 'echo f >> order.txt; echo $PPID > f.pid; exit 3' } },
      g: { type: 'shell', params: { run: 'echo g >> order.txt; echo $PPID > g.pid' } },
      h: { type: 'shell', params: { run: 'echo h >> order.txt; echo $PPID > h.pid' }, needs: ['g'] },
    }),
    { jobs: 1, policy: 'continue', workerFor: () => true },
  );
  assert.deepEqual(statuses(s), { f: 'failed', g: 'succeeded', h: 'succeeded' });
  const pids: Record<string, number> = { f: await pidOf(rig, 'f.pid'), g: await pidOf(rig, 'g.pid'), h: await pidOf(rig, 'h.pid') };
  // f and g are both ready at the start and -j 1 takes either first: check whichever order ran.
  const order = (await readFile(join(rig.dir, 'order.txt'), 'utf8')).trim().split('\n');
  const after = order.slice(order.indexOf('f') + 1);
  assert.ok(after.length > 0);
  for (const n of after) assert.notEqual(pids[n], pids.f, `${n} ran after the failure, not in the failed job's worker`);
  if (after.length === 2) assert.equal(pids.h, pids.g, 'the fresh worker is then reused');
  else assert.equal(pids.f, pids.g, 'before the failure, g\'s worker was reused for f');
  assert.equal(pidAlive(pids.f!), false);
});

void test('reuse off (option or LAYERFUSE_REUSE_WORKERS=0): a process per worker node', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const graph = (tag: string) =>
    rig.graph({
      a: { type: 'shell', params: { run: `echo $PPID > a${tag}.pid` } },
      b: { type: 'shell', params: { run: `echo $PPID > b${tag}.pid` }, needs: ['a'] },
    });
  await rig.run(graph('1'), { jobs: 1, workerFor: () => true, reuseWorkers: false });
  assert.notEqual(await pidOf(rig, 'a1.pid'), await pidOf(rig, 'b1.pid'));
  await rig.run(graph('2'), { jobs: 1, workerFor: () => true, env: { ...process.env, LAYERFUSE_REUSE_WORKERS: '0' } });
  assert.notEqual(await pidOf(rig, 'a2.pid'), await pidOf(rig, 'b2.pid'));
  assert.equal((await runOf(rig, 'b')).workerJob, 1);

  assert.equal(reuseWorkersFrom(undefined, {}), true, 'on by default');
  for (const off of ['0', 'false', 'No', ' off ']) assert.equal(reuseWorkersFrom(undefined, { LAYERFUSE_REUSE_WORKERS: off }), false, off);
  assert.equal(reuseWorkersFrom(undefined, { LAYERFUSE_REUSE_WORKERS: '1' }), true);
  assert.equal(reuseWorkersFrom(true, { LAYERFUSE_REUSE_WORKERS: '0' }), true, 'the option wins');
  assert.throws(() => reuseWorkersFrom(undefined, { LAYERFUSE_REUSE_WORKERS: 'maybe' }), { name: 'PlanError', message: /LAYERFUSE_REUSE_WORKERS=maybe/ });
  assert.equal(maxRssFrom(undefined, { LAYERFUSE_WORKER_MAX_RSS_MB: '512' }), 512 * 2 ** 20);
  assert.equal(maxRssFrom(undefined, {}), undefined);
  for (const bad of ['abc', '0', '-5']) assert.throws(() => maxRssFrom(undefined, { LAYERFUSE_WORKER_MAX_RSS_MB: bad }), { name: 'PlanError', message: /LAYERFUSE_WORKER_MAX_RSS_MB/ }, bad);
});

void test('a bad worker setting in the environment stops the run before any node starts', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  await assert.rejects(
    rig.run(rig.graph({ a: { type: 'shell', params: { run: 'touch ran' } } }), { jobs: 1, workerFor: () => true, env: { ...process.env, LAYERFUSE_REUSE_WORKERS: 'maybe' } }),
    { name: 'PlanError', message: /LAYERFUSE_REUSE_WORKERS=maybe/ },
  );
  assert.equal(existsSync(join(rig.dir, 'ran')), false);
});

void test('an interrupted run (Ctrl-C, SIGTERM) stops its busy worker and shuts down its idle one', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  const stop = new AbortController();
  // a and c start together in two workers; b follows a in one of them while the other waits idle.
  const running = rig.run(
    rig.graph({
      a: { type: 'shell', params: { run: 'echo $PPID > a.pid' } },
      c: { type: 'shell', params: { run: 'echo $PPID > c.pid' } },
      b: { type: 'shell', params: { run: 'echo $PPID > b.pid; sleep 60' }, needs: ['a', 'c'] },
    }),
    { jobs: 2, workerFor: () => true, signal: stop.signal },
  );
  let busy = 0;
  for (let i = 0; i < 1200 && !busy; i++) {
    busy = await pidOf(rig, 'b.pid').catch(() => 0);
    if (!busy) await new Promise((r) => setTimeout(r, 50));
  }
  const workers = [await pidOf(rig, 'a.pid'), await pidOf(rig, 'c.pid')];
  assert.notEqual(workers[0], workers[1]);
  assert.ok(workers.includes(busy), 'b runs in one of the two workers');
  stop.abort(new Error('interrupted'));
  const s = await running;
  assert.equal(s.interrupted, true);
  assert.equal(statuses(s).b, 'cancelled');
  for (const pid of workers) assert.equal(pidAlive(pid), false, `worker ${pid} is gone when the run returns`);
});

// The pool itself, on jobs made by hand.

function shellJob(dir: string, id: string, run: string): Job {
  const params = { run, inputs: [], outputs: [] };
  const components: KeyComponents = { keyVersion: KEY_VERSION, type: 'shell', typeVersion: 2, params, inputs: {} };
  return { format: 1, nodeId: id, type: 'shell', params, inputs: {}, key: keyOf(components), components, backend: 'auto', compute: defaultCompute(1), pipelineDir: dir, logFile: join(dir, 'logs', `${id}.log`) };
}

async function poolRig(t: { after: (f: () => Promise<void>) => void }) {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  await mkdir(join(rig.dir, 'logs'), { recursive: true });
  const cache = new FsCache(rig.cacheDir);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  let n = 0;
  /** Runs a job in the pool; the pid of the worker that ran it. */
  const run = async (pool: WorkerPool, o: { env?: Record<string, string>; command?: string; signal?: AbortSignal; wasmThreads?: number } = {}): Promise<number> => {
    const job = shellJob(rig.dir, `n${n++}`, o.command ?? 'true');
    if (o.wasmThreads !== undefined) job.compute = { ...job.compute!, wasmThreads: o.wasmThreads };
    const record = await pool.run(job, { cache, signal: o.signal ?? new AbortController().signal, env: o.env ?? env });
    return record.runs.at(-1)!.pid;
  };
  return { rig, env, run };
}

void test('the pool: a worker per spawn signature; close() stops every one', async (t) => {
  const { rig, env, run } = await poolRig(t);
  const pool = new WorkerPool({ cacheDir: rig.cacheDir, reuse: true, maxIdle: 2 });
  const gpu0 = { ...env, CUDA_VISIBLE_DEVICES: '0' };
  const gpu1 = { ...env, CUDA_VISIBLE_DEVICES: '1' };
  const p0 = await run(pool, { env: gpu0 });
  const p1 = await run(pool, { env: gpu1 });
  assert.notEqual(p0, p1, 'another GPU slot, another worker');
  assert.equal(await run(pool, { env: gpu0 }), p0);
  assert.equal(await run(pool, { env: gpu1 }), p1);
  assert.equal(pool.idleCount, 2);
  await pool.close();
  assert.equal(pidAlive(p0) || pidAlive(p1), false, 'both shut down');
  await assert.rejects(run(pool, { env: gpu0 }), /the run is over/);

  // What the signature covers: environment, directory, backend, compute settings.
  const job = shellJob(rig.dir, 'x', 'true');
  const base = spawnSignature(env, job);
  assert.equal(spawnSignature({ ...env }, { ...job, nodeId: 'y', params: { run: 'false' } }), base, 'the job itself does not matter');
  assert.notEqual(spawnSignature(gpu0, job), base);
  assert.notEqual(spawnSignature(env, { ...job, pipelineDir: join(rig.dir, 'other') }), base);
  assert.notEqual(spawnSignature(env, { ...job, backend: 'wasm' }), base);
  assert.notEqual(spawnSignature(env, { ...job, compute: { ...defaultCompute(1), threads: 7 } }), base);
  assert.notEqual(spawnSignature(env, { ...job, compute: { ...defaultCompute(1), wasmThreads: 2 } }), base);
});

void test('the pool: a WASM build keeps its thread count for life, so 1- and 2-thread jobs never share a worker', async (t) => {
  const { rig, run } = await poolRig(t);
  const pool = new WorkerPool({ cacheDir: rig.cacheDir, reuse: true, maxIdle: 2 });
  t.after(() => pool.close());
  const one = await run(pool, { wasmThreads: 1 });
  const two = await run(pool, { wasmThreads: 2 });
  assert.notEqual(two, one, 'a 2-thread job does not take the idle 1-thread worker');
  assert.equal(await run(pool, { wasmThreads: 1 }), one, 'a 1-thread job takes the 1-thread worker');
  assert.equal(await run(pool, { wasmThreads: 2 }), two, 'a 2-thread job takes the 2-thread worker');
});

void test('the pool: replaced past its job count or memory bound, and after a stopped job', async (t) => {
  const { rig, run } = await poolRig(t);
  const counted = new WorkerPool({ cacheDir: rig.cacheDir, reuse: true, maxIdle: 1, maxJobs: 2 });
  const [a, b, c] = [await run(counted), await run(counted), await run(counted)];
  assert.equal(b, a);
  assert.notEqual(c, a, 'a third job goes to a new worker');
  await counted.close();

  const small = new WorkerPool({ cacheDir: rig.cacheDir, reuse: true, maxIdle: 1, maxRssBytes: 1 });
  assert.notEqual(await run(small), await run(small), 'over the memory bound: not reused');
  await small.close();

  const pool = new WorkerPool({ cacheDir: rig.cacheDir, reuse: true, maxIdle: 1 });
  const before = await run(pool);
  const stop = new AbortController();
  const stopped = run(pool, { command: 'echo $PPID > stopped.pid; sleep 60', signal: stop.signal });
  for (let i = 0; i < 600; i++) {
    const pid = await pidOf(rig, 'stopped.pid').catch(() => 0);
    if (pid) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  stop.abort(new Error('interrupted'));
  await assert.rejects(stopped);
  assert.equal(pidAlive(before), false, 'the stopped job\'s worker is gone when its run() settles');
  assert.notEqual(await run(pool), before);
  await pool.close();
});
