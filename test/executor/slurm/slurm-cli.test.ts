import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFinalState } from '../../../src/executor/slurm/job-state.js';
import { JobTracker } from '../../../src/executor/slurm/job-tracker.js';
import { parseQueue, parseSacct, parseScontrolJob, SlurmCli, type Exec } from '../../../src/executor/slurm/slurm-cli.js';
import { failureText } from '../../../src/executor/slurm/slurm-runner.js';

// Printed by Slurm 22.05 (Debian bookworm) on the test cluster.
const SCONTROL_FAILED =
  'JobId=1 JobName=wrap UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:01 TimeLimit=UNLIMITED TimeMin=N/A Partition=debug AllocNode:Sid=localhost:9325 NodeList=vm BatchHost=vm TRES=cpu=1,mem=100M,node=1,billing=1 Command=(null) WorkDir=/tmp/sl StdErr=/tmp/sl/o-1.out StdIn=/dev/null StdOut=/tmp/sl/o-1.out Power= TresPerNode=gres:gpu:1 \n';
const SCONTROL_CANCELLED = 'JobId=5 JobName=wrap JobState=CANCELLED Reason=None Dependency=(null) ExitCode=0:15 StdOut=/tmp/sl/k-5.out\n';

void test('squeue lines give each job its state', () => {
  assert.deepEqual([...parseQueue('2 COMPLETED\n1 FAILED\n7 PENDING\n')], [
    ['2', 'COMPLETED'],
    ['1', 'FAILED'],
    ['7', 'PENDING'],
  ]);
  assert.equal(parseQueue('').size, 0);
});

void test('scontrol show job -o: state, exit code and signal, reason, output file', () => {
  assert.deepEqual(parseScontrolJob(SCONTROL_FAILED), { state: 'FAILED', exitCode: 3, signal: 0, reason: 'NonZeroExitCode', stdout: '/tmp/sl/o-1.out', source: 'scontrol' });
  assert.deepEqual(parseScontrolJob(SCONTROL_CANCELLED), { state: 'CANCELLED', exitCode: 0, signal: 15, stdout: '/tmp/sl/k-5.out', source: 'scontrol' });
  assert.equal(parseScontrolJob('slurm_load_jobs error: Invalid job id specified'), undefined);
});

void test('sacct -P: the first word of the state, exit code and signal', () => {
  assert.deepEqual(parseSacct('CANCELLED by 0|0:15|None\n'), { state: 'CANCELLED', exitCode: 0, signal: 15, source: 'sacct' });
  assert.deepEqual(parseSacct('OUT_OF_MEMORY|0:125|OutOfMemory\n'), { state: 'OUT_OF_MEMORY', exitCode: 0, signal: 125, reason: 'OutOfMemory', source: 'sacct' });
  assert.equal(parseSacct(''), undefined);
});

void test('final states read as people would say them', () => {
  assert.equal(describeFinalState({ state: 'FAILED', exitCode: 3, signal: 0, source: 'scontrol' }), 'failed with exit code 3');
  assert.equal(describeFinalState({ state: 'FAILED', exitCode: 0, signal: 9, source: 'scontrol' }), 'was killed by signal 9 (SIGKILL)');
  assert.match(describeFinalState({ state: 'CANCELLED', source: 'scontrol' }), /cancelled/);
  assert.match(describeFinalState({ state: 'TIMEOUT', source: 'scontrol' }), /time limit.*retry: \{time: x2\}/);
  assert.match(describeFinalState({ state: 'OUT_OF_MEMORY', source: 'sacct' }), /out of memory/);
});

void test("a failed job's log gives the worker's error line, else its last lines", () => {
  const log = '# layerfuse: Slurm job 9 on vm, CUDA_VISIBLE_DEVICES=unset\nsome output\nlayerfuse worker: node x: command exited with code 3; last output:\n  oops\n  oh no\nafter\n';
  assert.equal(failureText(log, 'x'), 'command exited with code 3; last output:\n  oops\n  oh no');
  assert.equal(failureText(log), 'node x: command exited with code 3; last output:\n  oops\n  oh no');
  assert.equal(failureText('# layerfuse: Slurm job 9\na\nb\nslurmstepd: error: *** JOB 9 ON vm CANCELLED AT 2026 ***\n'), 'last output:\n  a\n  b\n  slurmstepd: error: *** JOB 9 ON vm CANCELLED AT 2026 ***');
  assert.equal(failureText(''), 'no output');
});

void test('a controller that stops answering is reported, retried, and given up on after a while', async () => {
  // A stand-in for Slurm's commands: squeue fails as it does while slurmctld is down.
  const calls: string[] = [];
  const down: Exec = (file) => {
    calls.push(file);
    return Promise.resolve({ exitCode: 1, stdout: '', stderr: 'squeue: error: Unable to contact slurm controller (connect failure)' });
  };
  const warnings: string[] = [];
  const tracker = new JobTracker(new SlurmCli(down), 20, (m) => warnings.push(m), 150);
  await assert.rejects(tracker.wait('42'), /cannot follow Slurm jobs \(squeue: squeue: error: Unable to contact slurm controller \(connect failure\)\) for \d+ s; giving up on them/);
  assert.ok(calls.length >= 3, 'it kept asking');
  assert.equal(warnings[0], 'cannot follow Slurm jobs (squeue: squeue: error: Unable to contact slurm controller (connect failure)); retrying');
  assert.deepEqual(tracker.inFlight, []);
});
