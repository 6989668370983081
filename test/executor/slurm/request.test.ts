import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSlurmProfile, type SlurmProfile } from '../../../src/dsl/slurm-profile.js';
import { describeGrowth, foreignResources, requestOptions, slurmRequest } from '../../../src/executor/slurm/request.js';

const profile = (over: Partial<SlurmProfile> = {}): SlurmProfile => ({ ...defaultSlurmProfile(), ...over });

void test('resources map to sbatch options: gres, cpus-per-task, mem, time', () => {
  const req = slurmRequest({ gpu: 1, cpus: 4, mem: 16384, time: 7200 }, profile());
  assert.deepEqual(requestOptions(req, profile()), ['--cpus-per-task=4', '--mem=16G', '--time=02:00:00', '--gres=gpu:1']);
});

void test('a node without resources gets the profile defaults; its own values win', () => {
  const p = profile({ defaults: { cpus: 2, memMib: 4096, timeSeconds: 3600 } });
  assert.deepEqual(requestOptions(slurmRequest({}, p), p), ['--cpus-per-task=2', '--mem=4G', '--time=01:00:00']);
  assert.deepEqual(requestOptions(slurmRequest({ mem: 512 }, p), p), ['--cpus-per-task=2', '--mem=512M', '--time=01:00:00']);
  assert.deepEqual(requestOptions(slurmRequest({}, profile()), profile()), [], 'nothing given: Slurm decides');
});

void test('partition, account, qos, the gres name and extra options come from the profile; GPU nodes may go elsewhere', () => {
  const p = profile({ partition: 'cpu', gpuPartition: 'gpu', account: 'lab', qos: 'long', gres: 'gpu:a100', sbatch: ['--constraint=ib', '--exclude=n07'] });
  assert.deepEqual(requestOptions(slurmRequest({ cpus: 1 }, p), p), ['--partition=cpu', '--account=lab', '--qos=long', '--cpus-per-task=1', '--constraint=ib', '--exclude=n07']);
  assert.deepEqual(requestOptions(slurmRequest({ gpu: 2 }, p), p), ['--partition=gpu', '--account=lab', '--qos=long', '--gres=gpu:a100:2', '--constraint=ib', '--exclude=n07']);
  const one = profile({ partition: 'all' });
  assert.equal(slurmRequest({ gpu: 1 }, one).partition, 'all', 'without gpu_partition GPU nodes use partition');
});

void test('each retry grows memory and time by their factors, from the node or the profile default', () => {
  const p = profile({ defaults: { timeSeconds: 1800 } });
  const growth = { mem: 2, time: 1.5 };
  const first = slurmRequest({ mem: 1024 }, p, 0, growth);
  const second = slurmRequest({ mem: 1024 }, p, 1, growth);
  const third = slurmRequest({ mem: 1024 }, p, 2, growth);
  assert.deepEqual([first.memMib, second.memMib, third.memMib], [1024, 2048, 4096]);
  assert.deepEqual([first.timeSeconds, second.timeSeconds, third.timeSeconds], [1800, 2700, 4050]);
  assert.equal(describeGrowth(first, second), '--mem=2G --time=00:45:00');
  assert.equal(slurmRequest({}, profile(), 3, growth).memMib, undefined, 'no memory given anywhere: nothing to grow');
});

void test('resources Slurm cannot honour are named', () => {
  assert.deepEqual(foreignResources({ gpu: 1, cpus: 2, mem: 1, time: 1, license: 1, zero: 0 }), ['license']);
});
