/**
 * `layerfuse run --executor slurm` end to end, on the single-machine Slurm that
 * test/util/slurm-up.sh starts: results equal a local run's (same keys, same output digests), a
 * rerun submits nothing, failures name the job and its log, Ctrl-C cancels the run's jobs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { FsCache } from '../../../src/executor/fs-cache.js';
import { verifyCache } from '../../../src/executor/verify.js';
import { cli, startCli } from '../../util/exec-cli.js';
import { repoRoot, sharedPath, skipWithoutShared } from '../../util/shared.js';
import { killWorker } from '../../util/slurm-kill.js';
import { skipWithoutSlurm } from '../../util/slurm.js';

const skip = skipWithoutSlurm();
/** Pipeline names in job names are unique per test process: another test run may share the cluster. */
const tag = String(process.pid);

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lf-run-slurm-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An environment without a user profile, so only the test's profile counts. */
function env(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') };
}

async function profile(dir: string, defaults = '{mem: 256M, time: 10m}'): Promise<string> {
  const file = join(dir, 'slurm.yaml');
  await writeFile(file, `poll: 1s\ndefaults: ${defaults}\n`);
  return file;
}

interface Locked {
  nodes: Record<string, { key: string; outputs: Record<string, string> }>;
}

/** Each node's key and output digests from the lock file a run leaves beside the pipeline. */
async function lockOf(pipeline: string): Promise<Record<string, { key: string; outputs: Record<string, string> }>> {
  const lock = JSON.parse(await readFile(pipeline.replace(/\.yaml$/, '.lock.json'), 'utf8')) as Locked;
  return Object.fromEntries(Object.entries(lock.nodes).map(([id, n]) => [id, { key: n.key, outputs: n.outputs }]));
}

/** Slurm output files under the cache: one per job submitted. */
async function jobLogs(cacheDir: string): Promise<string[]> {
  const root = join(cacheDir, 'slurm');
  const out: string[] = [];
  for (const d of await readdir(root).catch(() => [] as string[])) for (const f of await readdir(join(root, d))) if (f.startsWith('slurm-')) out.push(join(d, f));
  return out.sort();
}

const squeueState = (id: string): string => execFileSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T'], { encoding: 'utf8' }).trim();

type Started = ReturnType<typeof startCli>;

/** Start the CLI; a test that fails while it runs stops it (its whole process group) on the way out. */
function startRun(t: { after: (fn: () => void) => void }, cwd: string, args: string[], environment: NodeJS.ProcessEnv): Started & { stderr: () => string } {
  const run = startCli(cwd, args, environment);
  let stderr = '';
  run.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-run.child.pid!, 'SIGKILL');
  });
  return { ...run, stderr: () => stderr };
}

/** The id of the job running node `nodeId` of pipeline `name`, once it runs (or reaches `state`). */
async function jobOf(run: { stderr: () => string }, name: string, nodeId: string, state = 'RUNNING'): Promise<string> {
  for (let i = 0; i < 1200; i++) {
    const [id, st] = execFileSync('squeue', ['-h', '-n', `layerfuse:${name}:${nodeId}`, '-o', '%i %T'], { encoding: 'utf8' }).trim().split(/\s+/);
    if (id && st === state) return id;
    await sleep(100);
  }
  assert.fail(`the job of ${nodeId} never reached ${state}; the run said:\n${run.stderr()}`);
}

const SHELL_PIPELINE = `version: 1
name: fan
params: {greeting: hello}
nodes:
  words:
    uses: shell
    with:
      run: mkdir -p out && printf 'b\\na\\nc\\n' | sort > out/words.txt
      outputs: [out/words.txt]
  greet:
    foreach: [alice, bob, carol]
    uses: shell
    with:
      run: mkdir -p out && echo "\${params.greeting}, \${item}!" > out/greet-\${item}.txt
      outputs: ["out/greet-\${item}.txt"]
  summary:
    uses: shell
    resources: {cpus: 1, mem: 128M, time: 5m}
    with:
      run: cat out/greet-*.txt out/words.txt > out/summary.txt
      data: \${greet.*}
      after: ["\${words}"]
      outputs: [out/summary.txt]
      publish: [out/summary.txt]
`;

void test('a shell pipeline on Slurm: same keys and outputs as a local run; a rerun submits nothing', { skip }, async (t) => {
  const dir = await tempDir(t);
  for (const where of ['local', 'slurm']) {
    await mkdir(join(dir, where));
    await writeFile(join(dir, where, 'fan.yaml'), SHELL_PIPELINE);
  }
  const local = await cli(join(dir, 'local'), ['run', 'fan.yaml', '-j', '2', '--cache-dir', 'cache'], env(dir));
  assert.equal(local.code, 0, local.stderr);
  const prof = await profile(dir);
  const args = ['run', 'fan.yaml', '--executor', 'slurm', '--profile', prof, '--max-jobs', '3', '--cache-dir', 'cache'];
  const first = await cli(join(dir, 'slurm'), args, env(dir));
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /done: 5 ran, 0 cached/);
  assert.deepEqual(await lockOf(join(dir, 'slurm', 'fan.yaml')), await lockOf(join(dir, 'local', 'fan.yaml')), 'identical keys and output digests');
  assert.equal(await readFile(join(dir, 'slurm', 'results', 'fan', 'summary', 'out', 'summary.txt'), 'utf8'), 'hello, alice!\nhello, bob!\nhello, carol!\na\nb\nc\n');
  const logs = await jobLogs(join(dir, 'slurm', 'cache'));
  assert.equal(logs.length, 5, 'one job per node');
  // The job ran on the "cluster": its run record says which job, and where its log is.
  const show = await cli(join(dir, 'slurm'), ['show', 'fan.yaml', 'summary', '--json', '--cache-dir', 'cache'], env(dir));
  const runs = (JSON.parse(show.stdout) as { runs: Array<{ facts: Record<string, unknown> }> }).runs;
  const facts = runs.at(-1)!.facts;
  assert.match(String(facts.slurmJobId), /^\d+$/);
  assert.equal(facts.slurmLog, join(dir, 'slurm', 'cache', 'slurm', logs.find((l) => l.startsWith('summary.'))!));

  const again = await cli(join(dir, 'slurm'), args, env(dir));
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /done: 0 ran, 5 cached/);
  assert.deepEqual(await jobLogs(join(dir, 'slurm', 'cache')), logs, 'nothing was submitted');

  // A local cache moved to the cluster (or the other way) is used as it is: the keys agree.
  const moved = await cli(join(dir, 'slurm'), ['run', 'fan.yaml', '--executor', 'slurm', '--profile', prof, '--cache-dir', join(dir, 'local', 'cache')], env(dir));
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stderr, /done: 0 ran, 5 cached/);
});

void test('a failing command, a killed job and an scancel each fail their node with the job id and the log', { skip }, async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'bad.yaml'),
    `version: 1
name: bad-${tag}
nodes:
  failing:
    uses: shell
    with: {run: "echo about to fail; exit 3"}
  killed:
    uses: shell
    with: {run: "sleep 120  # killed"}
  cancelled:
    uses: shell
    with: {run: "sleep 120  # cancelled (the same command would be the same key: one job)"}
  downstream:
    uses: shell
    with: {run: "true", after: ["\${failing}"]}
  fine:
    uses: shell
    with: {run: "echo fine > fine.txt", outputs: [fine.txt]}
`,
  );
  const prof = await profile(dir);
  const run = startRun(t, dir, ['run', 'bad.yaml', '--executor', 'slurm', '--profile', prof, '--keep-going', '--cache-dir', 'cache'], env(dir));
  const killedId = await jobOf(run, `bad-${tag}`, 'killed');
  const cancelledId = await jobOf(run, `bad-${tag}`, 'cancelled');
  const jobDir = (await readdir(join(dir, 'cache', 'slurm'))).find((d) => d.startsWith('killed.'))!;
  await killWorker(join(dir, 'cache', 'slurm', jobDir, 'job.json'));
  execFileSync('scancel', [cancelledId]);
  const r = await run.done;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed: 1 ran, 0 cached, 3 failed, 1 skipped/);
  const block = (id: string): string => {
    const at = r.stderr.indexOf(`\nfailed: ${id}\n`);
    assert.ok(at >= 0, `a summary entry for ${id} in:\n${r.stderr}`);
    return r.stderr.slice(at, r.stderr.indexOf('\n\n', at + 1) >>> 0);
  };
  const failing = block('failing');
  assert.match(failing, /Slurm job \d+ failed with exit code 1: command exited with code 3; last output:\n\s+about to fail/);
  assert.match(failing, /log: cache\/slurm\/failing\.[0-9a-f]{12}\/slurm-\d+\.out/);
  const killed = block('killed');
  assert.match(killed, new RegExp(`Slurm job ${killedId} was killed by signal 9 \\(SIGKILL\\)`));
  assert.match(killed, new RegExp(`log: cache/slurm/killed\\.[0-9a-f]{12}/slurm-${killedId}\\.out`));
  const cancelled = block('cancelled');
  assert.match(cancelled, new RegExp(`Slurm job ${cancelledId} was cancelled`));
  assert.match(cancelled, new RegExp(`log: cache/slurm/cancelled\\.[0-9a-f]{12}/slurm-${cancelledId}\\.out`));
  assert.match(r.stderr, /skipped\s+downstream \(upstream failing failed\)/);
  const report = await verifyCache(new FsCache(join(dir, 'cache')));
  assert.deepEqual(report.problems, []);
});

void test('Ctrl-C cancels the jobs this run submitted and leaves the cache valid', { skip }, async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'slow.yaml'),
    `version: 1
name: slow-${tag}
nodes:
  quick:
    uses: shell
    with: {run: "echo q > q.txt", outputs: [q.txt]}
  long:
    uses: shell
    with: {run: "sleep 120; echo l > l.txt", outputs: [l.txt], after: ["\${quick}"]}
  other:
    uses: shell
    with: {run: "sleep 120"}
`,
  );
  const prof = await profile(dir);
  const run = startRun(t, dir, ['run', 'slow.yaml', '--executor', 'slurm', '--profile', prof, '--cache-dir', 'cache'], env(dir));
  const ids = [await jobOf(run, `slow-${tag}`, 'long'), await jobOf(run, `slow-${tag}`, 'other')];
  process.kill(run.child.pid!, 'SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted/);
  for (const id of ids) assert.equal(squeueState(id), 'CANCELLED', `job ${id}`);
  assert.deepEqual((await verifyCache(new FsCache(join(dir, 'cache')))).problems, []);
  assert.equal(existsSync(join(dir, 'l.txt')), false);
  // The rerun continues from what finished: `quick` is cached.
  const again = await cli(dir, ['run', 'slow.yaml', '--only', 'quick', '--executor', 'slurm', '--profile', prof, '--cache-dir', 'cache'], env(dir));
  assert.match(again.stderr, /done: 0 ran, 1 cached/);
});

void test('retries resubmit a failed job with more memory; GPU nodes get their device from Slurm, not the local pool', { skip }, async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'retry.yaml'),
    `version: 1
name: retry
executor: slurm
nodes:
  flaky:
    uses: shell
    resources: {mem: 100M}
    retries: 2
    retry: {mem: x2}
    with: {run: "if [ ! -f tried ]; then touch tried; exit 1; fi; scontrol show job -o $SLURM_JOB_ID > job.txt", outputs: [job.txt]}
  gpu:
    uses: shell
    resources: {gpu: 1}
    with: {run: "printf %s \\"$CUDA_VISIBLE_DEVICES\\" > cvd.txt", outputs: [cvd.txt]}
`,
  );
  const prof = await profile(dir);
  // No GPU here (an empty CUDA_VISIBLE_DEVICES): a local run could not place `gpu`; Slurm can.
  const r = await cli(dir, ['run', 'retry.yaml', '--profile', prof, '--cache-dir', 'cache'], { ...env(dir), CUDA_VISIBLE_DEVICES: '' });
  assert.equal(r.code, 0, r.stderr);
  // The two warnings in order (other nodes' lines, such as `ok gpu`, may come between them).
  const failed = r.stderr.search(/warning: flaky: attempt 1 of 3 failed: Slurm job \d+ failed with exit code 1: command exited with code 1 with no output\n/);
  const resubmitted = r.stderr.search(/warning: flaky: resubmitting \(attempt 2 of 3\) with --mem=200M\n/);
  assert.ok(failed >= 0 && resubmitted > failed, r.stderr);
  assert.match(r.stderr, /done: 2 ran, 0 cached/);
  assert.match(await readFile(join(dir, 'job.txt'), 'utf8'), /MinMemoryNode=200M/);
  assert.match(await readFile(join(dir, 'cvd.txt'), 'utf8'), /^[01]$/);
});

void test('a profile with mistakes stops the run before anything is submitted, each mistake located', { skip }, async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p.yaml'), 'version: 1\nname: p\nnodes:\n  a: {uses: shell, with: {run: "true"}}\n');
  await writeFile(join(dir, 'bad-profile.yaml'), 'partiton: gpu\ndefaults: {mem: lots}\n');
  const r = await cli(dir, ['run', 'p.yaml', '--executor', 'slurm', '--profile', 'bad-profile.yaml', '--cache-dir', 'cache'], env(dir));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-profile\.yaml:1:1: error: unknown key `partiton` at the top level; did you mean `partition`\?/);
  assert.match(r.stderr, /bad-profile\.yaml:2:17: error: `defaults\.mem` must be a size/);
  assert.equal(existsSync(join(dir, 'cache', 'slurm')), false, 'nothing submitted');
});

void test('the tiny-bert chain (dataset, checkpoint, evaluation, capture, a score, export) on Slurm equals a local run', { skip: skip || skipWithoutShared() }, async (t) => {
  const dir = await tempDir(t);
  // The checkpoint path must be relative to the pipeline: link the fixture in beside it.
  const text = (await readFile(join(repoRoot, 'pipelines', 'tiny-bert.yaml'), 'utf8')).replace('../../shared/fixtures/tiny-bert', 'tiny-bert-checkpoint');
  for (const where of ['local', 'slurm']) {
    await mkdir(join(dir, where));
    await symlink(sharedPath('fixtures', 'tiny-bert'), join(dir, where, 'tiny-bert-checkpoint'));
    await writeFile(join(dir, where, 'tiny-bert.yaml'), text);
    await copyFile(join(repoRoot, 'pipelines', 'tiny-bert-data.jsonl'), join(dir, where, 'tiny-bert-data.jsonl'));
  }
  const only = ['--only', 'full', '--only', 'score.weight-norm', '--only', 'pruned', '--backend', 'wasm', '--cache-dir', 'cache'];
  const local = await cli(join(dir, 'local'), ['run', 'tiny-bert.yaml', '-j', '2', ...only], env(dir));
  assert.equal(local.code, 0, local.stderr);
  const prof = await profile(dir, '{mem: 2G, time: 10m}');
  const slurm = await cli(join(dir, 'slurm'), ['run', 'tiny-bert.yaml', '--executor', 'slurm', '--profile', prof, ...only], env(dir));
  assert.equal(slurm.code, 0, slurm.stderr);
  assert.match(slurm.stderr, /done: 6 ran, 0 cached/);
  assert.deepEqual(await lockOf(join(dir, 'slurm', 'tiny-bert.yaml')), await lockOf(join(dir, 'local', 'tiny-bert.yaml')), 'identical keys and output digests');
  assert.equal((await jobLogs(join(dir, 'slurm', 'cache'))).length, 6);
  const config = JSON.parse(await readFile(join(dir, 'slurm', 'results', 'tiny-bert', 'pruned', 'config.json'), 'utf8')) as { num_hidden_layers: number };
  assert.equal(config.num_hidden_layers, 3, 'the exported model is published on the login machine');
  const again = await cli(join(dir, 'slurm'), ['run', 'tiny-bert.yaml', '--executor', 'slurm', '--profile', prof, ...only], env(dir));
  assert.match(again.stderr, /done: 0 ran, 6 cached/);
  assert.equal((await jobLogs(join(dir, 'slurm', 'cache'))).length, 6, 'the rerun submitted nothing');
});
