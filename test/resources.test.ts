import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSlurmMemory, formatSlurmTime, parseDuration, parseFactor, parseMemory } from '../src/resources.js';

void test('memory: units are powers of 1024 as in Slurm, a bare number is MiB, rounded up, 0 is all', () => {
  assert.deepEqual(parseMemory('16G'), { mib: 16384 });
  assert.deepEqual(parseMemory('16GB'), { mib: 16384 });
  assert.deepEqual(parseMemory('16GiB'), { mib: 16384 });
  assert.deepEqual(parseMemory('512m'), { mib: 512 });
  assert.deepEqual(parseMemory('1.5G'), { mib: 1536 });
  assert.deepEqual(parseMemory('1T'), { mib: 1048576 });
  assert.deepEqual(parseMemory('100K'), { mib: 1 });
  assert.deepEqual(parseMemory(2048), { mib: 2048 });
  assert.deepEqual(parseMemory('2048'), { mib: 2048 });
  assert.deepEqual(parseMemory(0), { mib: 0 }, "Slurm's --mem=0: all of the node's memory");
  for (const bad of ['', 'lots', '16Q', '-1G', -5, true, null, '1 2G']) assert.ok('error' in parseMemory(bad), `rejects ${JSON.stringify(bad)}`);
});

void test('time: human units, Slurm forms, and a bare number of minutes, in seconds', () => {
  assert.deepEqual(parseDuration('2h'), { seconds: 7200 });
  assert.deepEqual(parseDuration('1h30m'), { seconds: 5400 });
  assert.deepEqual(parseDuration('90s'), { seconds: 90 });
  assert.deepEqual(parseDuration('1d'), { seconds: 86400 });
  assert.deepEqual(parseDuration('1.5h'), { seconds: 5400 });
  assert.deepEqual(parseDuration(30), { seconds: 1800 }, 'a number is minutes, as --time reads it');
  assert.deepEqual(parseDuration('30'), { seconds: 1800 });
  assert.deepEqual(parseDuration('10:30'), { seconds: 630 }, 'MM:SS');
  assert.deepEqual(parseDuration('02:00:00'), { seconds: 7200 }, 'HH:MM:SS');
  assert.deepEqual(parseDuration('1-12'), { seconds: 129600 }, 'D-HH');
  assert.deepEqual(parseDuration('1-00:30'), { seconds: 88200 }, 'D-HH:MM');
  assert.deepEqual(parseDuration('2-01:02:03'), { seconds: 2 * 86400 + 3723 }, 'D-HH:MM:SS');
  for (const bad of ['', 'soon', '2x', '1:2:3:4', '0', '0h', -1, {}, 'h']) assert.ok('error' in parseDuration(bad), `rejects ${JSON.stringify(bad)}`);
});

void test('Slurm text round-trips through the parsers', () => {
  assert.equal(formatSlurmTime(7200), '02:00:00');
  assert.equal(formatSlurmTime(90), '00:01:30');
  assert.equal(formatSlurmTime(2 * 86400 + 3723), '2-01:02:03');
  for (const s of [59, 3600, 86399, 86400, 200000]) assert.deepEqual(parseDuration(formatSlurmTime(s)), { seconds: s });
  assert.equal(formatSlurmMemory(16384), '16G');
  assert.equal(formatSlurmMemory(1536), '1536M');
  for (const m of [1, 1024, 1536, 40960]) assert.deepEqual(parseMemory(formatSlurmMemory(m)), { mib: m });
});

void test('retry factors: x2, 2x, 1.5; never below 1', () => {
  assert.deepEqual(parseFactor('x2'), { factor: 2 });
  assert.deepEqual(parseFactor('2x'), { factor: 2 });
  assert.deepEqual(parseFactor('X1.5'), { factor: 1.5 });
  assert.deepEqual(parseFactor(3), { factor: 3 });
  assert.deepEqual(parseFactor(1), { factor: 1 });
  for (const bad of ['x0.5', 0.5, 'double', '', 'x', null]) assert.ok('error' in parseFactor(bad), `rejects ${JSON.stringify(bad)}`);
});
