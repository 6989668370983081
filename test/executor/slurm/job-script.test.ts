import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { Job } from '../../../src/executor/job.js';
import { jobScript, shellQuote } from '../../../src/executor/slurm/job-script.js';

const job: Job = {
  format: 1,
  nodeId: 'greet.alice',
  type: 'shell',
  params: { run: 'echo hi' },
  inputs: {},
  key: 'ab'.repeat(32),
  components: { keyVersion: 1, type: 'shell', typeVersion: 1, params: {}, inputs: {} },
  backend: 'auto',
  pipelineDir: '/shared/my pipelines',
  logFile: '/shared/cache/logs/greet.alice.abab.log',
};

const spec = {
  job,
  pipelineFile: '/shared/my pipelines/hello.yaml',
  jobName: 'layerfuse:hello:greet.alice',
  output: '/shared/ca che/slurm/greet.alice.abababababab/slurm-%j.out',
  options: ['--cpus-per-task=2', '--mem=4G'],
  node: '/usr/bin/node',
  entry: '/opt/layer fuse/dist/src/executor/worker-entry.js',
  jobFile: '/shared/ca che/slurm/greet.alice.abababababab/job.json',
  cacheDir: '/shared/ca che',
  setup: 'module load nodejs/20\n',
  attempt: 1,
  attempts: 3,
};

void test('the script carries the request as #SBATCH lines, quoting values with spaces, then setup and the worker entry', () => {
  const s = jobScript(spec);
  const lines = s.split('\n');
  assert.equal(lines[0], '#!/bin/bash');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('#SBATCH')),
    [
      '#SBATCH --job-name=layerfuse:hello:greet.alice',
      '#SBATCH --output="/shared/ca che/slurm/greet.alice.abababababab/slurm-%j.out"',
      '#SBATCH --chdir="/shared/my pipelines"',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --mem=4G',
    ],
  );
  assert.ok(lines.includes('module load nodejs/20'), 'profile setup runs first');
  assert.ok(s.includes('attempt 2 of 3'));
  assert.equal(lines.filter((l) => l !== '').pop(), `exec /usr/bin/node '/opt/layer fuse/dist/src/executor/worker-entry.js' '/shared/ca che/slurm/greet.alice.abababababab/job.json' --cache-dir '/shared/ca che'`);
  // bash accepts it, and the log path it exports expands the job id.
  const exported = lines.find((l) => l.startsWith('export LAYERFUSE_SLURM_LOG='))!;
  const out = execFileSync('bash', ['-c', `SLURM_JOB_ID=42; ${exported}; printf %s "$LAYERFUSE_SLURM_LOG"`], { encoding: 'utf8' });
  assert.equal(out, '/shared/ca che/slurm/greet.alice.abababababab/slurm-42.out');
  execFileSync('bash', ['-n', '-c', s]);
});

void test('an option that cannot go in an #SBATCH line is refused', () => {
  assert.throws(() => jobScript({ ...spec, options: ['--comment=say "hi"'] }), /double quotes/);
});

void test('shellQuote leaves plain words alone and quotes the rest', () => {
  assert.equal(shellQuote('/a/b-c.d'), '/a/b-c.d');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(execFileSync('bash', ['-c', `printf %s ${shellQuote("a b'c $HOME")}`], { encoding: 'utf8' }), "a b'c $HOME");
});
