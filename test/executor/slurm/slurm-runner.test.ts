/**
 * The Slurm runner against a real single-machine Slurm (test/util/slurm-up.sh): shell nodes
 * planned as the executor would plan them, submitted with sbatch, followed with squeue and
 * scontrol, their results read back from the shared cache.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { loadPipeline } from '../../../src/dsl/index.js';
import { defaultSlurmProfile, type SlurmProfile } from '../../../src/dsl/slurm-profile.js';
import type { ResolvedNode } from '../../../src/dsl/types.js';
import { keyComponents } from '../../../src/executor/components.js';
import { FsCache } from '../../../src/executor/fs-cache.js';
import type { Job } from '../../../src/executor/job.js';
import { keyOf } from '../../../src/executor/key.js';
import { RunnerCancelled, RunnerError, type RunRequest } from '../../../src/executor/runner.js';
import { SlurmRunner } from '../../../src/executor/slurm/slurm-runner.js';
import { verifyCache } from '../../../src/executor/verify.js';
import { getNodeType } from '../../../src/nodes/registry.js';
import { killWorker } from '../../util/slurm-kill.js';
import { skipWithoutSlurm } from '../../util/slurm.js';

const skip = skipWithoutSlurm();
/** Unique per test process in job names: another test run may share the cluster. */
const PIPELINE = `p${process.pid}`;

interface Rig {
  dir: string;
  cache: FsCache;
  runner: SlurmRunner;
  /** Plan node `id` of a one-node shell pipeline running `run`. */
  plan(run: string, extra?: { outputs?: string[]; resources?: Record<string, number> }): Promise<{ job: Job; node: ResolvedNode }>;
  request(p: { job: Job; node: ResolvedNode }, over?: Partial<RunRequest>): RunRequest;
}

async function makeRig(t: { after: (fn: () => Promise<void>) => void }, profile: Partial<SlurmProfile> = {}, env: NodeJS.ProcessEnv = process.env): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'lf-slurm-'));
  const cache = new FsCache(join(dir, 'cache'));
  const runner = new SlurmRunner({
    cache,
    profile: { ...defaultSlurmProfile(), pollMs: 300, ...profile },
    pipelineFile: join(dir, 'p.yaml'),
    pipelineName: PIPELINE,
    env,
  });
  t.after(async () => {
    await runner.close();
    await rm(dir, { recursive: true, force: true });
  });
  let n = 0;
  return {
    dir,
    cache,
    runner,
    async plan(run, extra = {}) {
      const id = `n${++n}`;
      const file = join(dir, 'p.yaml');
      const withs = { run, outputs: extra.outputs ?? [] };
      await writeFile(file, JSON.stringify({ version: 1, name: 'p', nodes: { [id]: { uses: 'shell', with: withs } } }));
      const loaded = await loadPipeline(file);
      assert.ok(loaded.graph, JSON.stringify(loaded.diagnostics));
      const graph = loaded.graph;
      const node = { ...graph.nodes.get(id)!, resources: extra.resources ?? {} };
      const components = await keyComponents(node, getNodeType('shell')!, {}, dir);
      const key = keyOf(components);
      const job: Job = { format: 1, nodeId: id, type: 'shell', params: node.params, inputs: {}, key, components, backend: 'auto', pipelineDir: dir, logFile: cache.logPath(`${id}.${key.slice(0, 12)}`) };
      return { job, node };
    },
    request(p, over = {}) {
      return { ...p, attempt: 0, attempts: 1, signal: new AbortController().signal, stopNew: new AbortController().signal, worker: true, ...over };
    },
  };
}

const squeueState = (id: string): string => execFileSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T'], { encoding: 'utf8' }).trim();
const jobIdOf = (message: string): string => /Slurm job (\d+)/.exec(message)?.[1] ?? assert.fail(`no job id in: ${message}`);

/** The id of the job running node `nodeId` of this rig, once Slurm says it runs. */
async function runningJob(rig: Rig, nodeId: string, state = 'RUNNING'): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const dirs = await readdir(join(rig.cache.dir, 'slurm')).catch(() => [] as string[]);
    const d = dirs.find((x) => x.startsWith(`${nodeId}.`));
    const logs = d ? (await readdir(join(rig.cache.dir, 'slurm', d))).filter((f) => f.startsWith('slurm-')) : [];
    const out = execFileSync('squeue', ['-h', '-n', `layerfuse:${PIPELINE}:${nodeId}`, '-o', '%i %T'], { encoding: 'utf8' }).trim();
    const [id, st] = out.split(/\s+/);
    if (id && st === state && (state !== 'RUNNING' || logs.length > 0)) return id;
    await sleep(100);
  }
  assert.fail(`job of ${nodeId} never reached ${state}`);
}

async function expectFailure(p: Promise<unknown>, kind: typeof RunnerError | typeof RunnerCancelled, pattern: RegExp): Promise<RunnerError | RunnerCancelled> {
  const e = await p.then(
    () => assert.fail('expected a failure'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof kind, `a ${kind.name}, got ${String(e)}`);
  assert.match(e.message, pattern);
  return e;
}

void test('a node runs as a Slurm job against the shared cache; its record comes back', { skip }, async (t) => {
  const rig = await makeRig(t);
  const p = await rig.plan('echo "made by job $SLURM_JOB_ID" > out.txt', { outputs: ['out.txt'] });
  const record = await rig.runner.run(rig.request(p));
  assert.equal(record.key, p.job.key);
  assert.ok(await rig.cache.get(p.job.key), 'the job wrote the index record');
  const files = (record.outputs.files!.manifest as { files: Record<string, { $blob: string }> }).files;
  const text = await readFile(rig.cache.blobPath(files['out.txt']!.$blob), 'utf8');
  const id = /made by job (\d+)/.exec(text)?.[1];
  assert.ok(id, text);
  assert.equal(squeueState(id), 'COMPLETED');
  const dir = join(rig.cache.dir, 'slurm', `${p.job.nodeId}.${p.job.key.slice(0, 12)}`);
  assert.deepEqual((await readdir(dir)).sort(), ['job-1.sh', 'job.json', `slurm-${id}.out`]);
  assert.equal(record.runs.at(-1)?.worker, true);
});

void test('resources become the job request, grown on a retry; GPUs come from Slurm, not the submitting shell', { skip }, async (t) => {
  const rig = await makeRig(t, { retry: { mem: 2, time: 2 } }, { ...process.env, CUDA_VISIBLE_DEVICES: '7' });
  const gpu = await rig.plan('printf %s "$${CUDA_VISIBLE_DEVICES-unset}" > cvd.txt; scontrol show job -o $SLURM_JOB_ID > job.txt', {
    outputs: ['cvd.txt', 'job.txt'],
    resources: { gpu: 1, cpus: 2, mem: 100, time: 600 },
  });
  await rig.runner.run(rig.request(gpu, { attempt: 1, attempts: 2 }));
  assert.match(await readFile(join(rig.dir, 'cvd.txt'), 'utf8'), /^[01]$/, 'one of the two fake GPUs, as Slurm assigned it');
  const job = await readFile(join(rig.dir, 'job.txt'), 'utf8');
  assert.match(job, /MinMemoryNode=200M/, 'mem grew x2 on the second attempt');
  assert.match(job, /TimeLimit=00:20:00/, 'time grew x2');
  assert.match(job, /NumCPUs=2/);
  assert.match(job, /TresPerNode=gres:gpu:1/);
  const cpu = await rig.plan('printf %s "$${CUDA_VISIBLE_DEVICES-unset}" > cvd.txt', { outputs: ['cvd.txt'] });
  await rig.runner.run(rig.request(cpu));
  assert.equal(await readFile(join(rig.dir, 'cvd.txt'), 'utf8'), 'unset', "the coordinator's CUDA_VISIBLE_DEVICES does not leak into jobs");
});

void test('a failing command fails the node with the job id, the exit code, its error and the log', { skip }, async (t) => {
  const rig = await makeRig(t);
  const p = await rig.plan('echo oops; exit 3');
  const e = await expectFailure(rig.runner.run(rig.request(p)), RunnerError, /^node n1: Slurm job \d+ failed with exit code 1: command exited with code 3; last output:\n {2}oops/);
  const id = jobIdOf(e.message);
  assert.equal(e.logFile, join(rig.cache.dir, 'slurm', `n1.${p.job.key.slice(0, 12)}`, `slurm-${id}.out`));
  assert.match(await readFile(e.logFile!, 'utf8'), /oops/);
  assert.equal(await rig.cache.get(p.job.key), undefined, 'only successes are cached');
});

void test('a job killed outright (SIGKILL, as the OOM killer does) is reported with its id and log, and leaves no entry', { skip }, async (t) => {
  const rig = await makeRig(t);
  const p = await rig.plan('head -c 50000000 /dev/zero > big.bin; sleep 60', { outputs: ['big.bin'] });
  const running = rig.runner.run(rig.request(p));
  await runningJob(rig, 'n1');
  const jobFile = join(rig.cache.dir, 'slurm', `n1.${p.job.key.slice(0, 12)}`, 'job.json');
  await killWorker(jobFile);
  const e = await expectFailure(running, RunnerError, /Slurm job \d+ was killed by signal 9 \(SIGKILL\)/);
  assert.ok(e.logFile && existsSync(e.logFile));
  assert.equal(await rig.cache.get(p.job.key), undefined);
  const report = await verifyCache(rig.cache);
  assert.equal(report.problems.length, 0, JSON.stringify(report.problems));
});

void test('a job cancelled with scancel is reported with its id and log', { skip }, async (t) => {
  const rig = await makeRig(t);
  const p = await rig.plan('sleep 60');
  const running = rig.runner.run(rig.request(p));
  const id = await runningJob(rig, 'n1');
  execFileSync('scancel', [id]);
  const e = await expectFailure(running, RunnerError, new RegExp(`Slurm job ${id} was cancelled`));
  assert.match(e.logFile ?? '', new RegExp(`slurm-${id}\\.out$`));
  assert.match(await readFile(e.logFile!, 'utf8'), /CANCELLED/);
});

void test('aborting the run (Ctrl-C) cancels the job with scancel', { skip }, async (t) => {
  const rig = await makeRig(t);
  const p = await rig.plan('sleep 60');
  const stop = new AbortController();
  const running = rig.runner.run(rig.request(p, { signal: stop.signal }));
  const id = await runningJob(rig, 'n1');
  stop.abort(new Error('interrupted'));
  await expectFailure(running, RunnerCancelled, new RegExp(`Slurm job ${id} cancelled`));
  assert.equal(squeueState(id), 'CANCELLED');
});

void test('after a failure (no-new) a job still queued is withdrawn; close() cancels what is left', { skip }, async (t) => {
  const rig = await makeRig(t, { sbatch: ['--begin=now+600'] });
  const p = await rig.plan('true');
  const stopNew = new AbortController();
  const queued = rig.runner.run(rig.request(p, { stopNew: stopNew.signal }));
  const id = await runningJob(rig, 'n1', 'PENDING');
  stopNew.abort(new Error('a node failed'));
  await expectFailure(queued, RunnerCancelled, /withdrawn before it started/);
  assert.equal(squeueState(id), 'CANCELLED');

  const q = await rig.plan('true');
  const left = rig.runner.run(rig.request(q));
  left.catch(() => undefined);
  const id2 = await runningJob(rig, 'n2', 'PENDING');
  await rig.runner.close();
  assert.equal(squeueState(id2), 'CANCELLED');
});

void test('a job that completes without writing to the cache says the cache must be shared', { skip }, async (t) => {
  const rig = await makeRig(t, { node: 'true' });
  const p = await rig.plan('true');
  await expectFailure(rig.runner.run(rig.request(p)), RunnerError, /completed but .* has no record for its key: is the cache on a filesystem the compute nodes share/);
});

void test('a submission Slurm refuses fails the node with sbatch\'s words', { skip }, async (t) => {
  const rig = await makeRig(t, { partition: 'no-such-partition' });
  const p = await rig.plan('true');
  const e = await expectFailure(rig.runner.run(rig.request(p)), RunnerError, /could not submit .*job-1\.sh: sbatch: .*invalid partition/i);
  assert.equal((e as RunnerError).retryable, false);
});
