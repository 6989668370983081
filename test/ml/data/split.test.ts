import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, buildSplits, DataError, stratifiedSplit, SPLITS, type SplitOptions } from '../../../src/ml/data/index.js';

const names = ['a', 'b', 'c'];
/** 100 of class a, 60 of b, 40 of c, interleaved. */
const labels: number[] = [];
for (let i = 0; i < 100; i++) labels.push(0);
for (let i = 0; i < 60; i++) labels.push(1);
for (let i = 0; i < 40; i++) labels.push(2);
labels.sort((x, y) => ((x * 7919) % 13) - ((y * 7919) % 13) || x - y);

const base: SplitOptions = { train: 0.8, validation: 0.1, test: 0.1, calibration: 50, seed: 7 };

void test('allocate: largest remainder, exact total, caps respected', () => {
  assert.deepEqual(allocate(10, [100, 60, 40]), [5, 3, 2]);
  assert.deepEqual(allocate(7, [1, 1, 1], [7, 7, 7]), [3, 2, 2]);
  assert.deepEqual(allocate(5, [10, 10], [1, 10]), [1, 4]);
  assert.deepEqual(allocate(0, [3, 4]), [0, 0]);
  assert.throws(() => allocate(5, [1, 1], [1, 1]), /cannot place 5/);
});

void test('splits are stratified, disjoint, cover the rows and keep file order', () => {
  const r = stratifiedSplit(labels, names, base, 'f.jsonl');
  assert.deepEqual(r.counts.train, [80, 48, 32]);
  assert.deepEqual(r.counts.validation, [10, 6, 4]);
  assert.deepEqual(r.counts.test, [10, 6, 4]);
  const seen = new Set<number>();
  for (const s of ['train', 'validation', 'test'] as const) {
    for (const i of r.indices[s]) {
      assert.ok(!seen.has(i), `index ${i} in two splits`);
      seen.add(i);
    }
    assert.deepEqual(r.indices[s], [...r.indices[s]].sort((x, y) => x - y));
    const perClass = [0, 0, 0];
    for (const i of r.indices[s]) perClass[labels[i] as number]!++;
    assert.deepEqual(perClass, r.counts[s]);
  }
  assert.equal(seen.size, labels.length);
});

void test('calibration is a stratified subset of train', () => {
  const r = stratifiedSplit(labels, names, base, 'f.jsonl');
  const train = new Set(r.indices.train);
  assert.equal(r.indices.calibration.length, 50);
  for (const i of r.indices.calibration) assert.ok(train.has(i));
  assert.deepEqual(r.counts.calibration, [25, 15, 10]);
  const big = stratifiedSplit(labels, names, { ...base, calibration: 10_000 }, 'f.jsonl');
  assert.deepEqual(big.indices.calibration, big.indices.train, 'calibration clipped to train');
});

void test('deterministic given the seed; another seed gives other splits', () => {
  const a = stratifiedSplit(labels, names, base, 'f');
  const b = stratifiedSplit(labels, names, base, 'f');
  assert.deepEqual(a, b);
  const c = stratifiedSplit(labels, names, { ...base, seed: 8 }, 'f');
  assert.notDeepEqual(a.indices.test, c.indices.test);
  assert.deepEqual(a.counts, c.counts);
});

void test('absolute counts and fractions summing below 1', () => {
  const r = stratifiedSplit(labels, names, { ...base, train: 50, validation: 20, test: 30 }, 'f');
  assert.equal(r.indices.train.length, 50);
  assert.equal(r.indices.validation.length, 20);
  assert.equal(r.indices.test.length, 30);
  assert.deepEqual(r.counts.test, [15, 9, 6]);
  const f = stratifiedSplit(labels, names, { ...base, train: 0.5, validation: 0, test: 0.2 }, 'f');
  assert.equal(f.indices.train.length, 100);
  assert.equal(f.indices.validation.length, 0);
  assert.equal(f.indices.test.length, 40);
});

void test('limit keeps a stratified sample before splitting', () => {
  const r = stratifiedSplit(labels, names, { ...base, limit: 50 }, 'f');
  const total = SPLITS.filter((s) => s !== 'calibration').reduce((n, s) => n + r.indices[s].length, 0);
  assert.equal(total, 50);
  assert.deepEqual(
    [0, 1, 2].map((c) => r.counts.train[c]! + r.counts.validation[c]! + r.counts.test[c]!),
    [25, 15, 10],
  );
});

void test('size errors name the file and the sizes', () => {
  assert.throws(() => stratifiedSplit(labels, names, { ...base, train: 150, validation: 30, test: 30 }, 'd.csv'), (e: Error) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /^d\.csv: split sizes train 150 \+ validation 30 \+ test 30 = 210 exceed the 200 rows$/);
    return true;
  });
  assert.throws(() => stratifiedSplit(labels, names, { ...base, train: 0.8, validation: 10, test: 0.1 }, 'd.csv'), /d\.csv: split sizes are either fractions summing to at most 1 or whole counts; train is 0\.8/);
});

void test('a class too small for the splits is an error naming it', () => {
  const small = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
  assert.throws(
    () => stratifiedSplit(small, ['big', 'tiny'], base, 'x.jsonl'),
    /^DataError: x\.jsonl: class 'tiny' has 2 example\(s\), too few for the requested splits \(it would get test 0, validation 0, train 2\)/,
  );
  assert.throws(() => stratifiedSplit([0, 0, 0], ['a', 'b'], base, 'x.jsonl'), /x\.jsonl: class 'b' has no examples/);
  // Enough rows in the file, but not after `limit` keeps a stratified sample: the message says so.
  const enough = [...Array(60).fill(0), 1, 1, 1, 1, 1, 1];
  assert.doesNotThrow(() => stratifiedSplit(enough, ['big', 'rare'], base, 'x.jsonl'));
  assert.throws(() => stratifiedSplit(enough, ['big', 'rare'], { ...base, limit: 22 }, 'x.jsonl'), /class 'rare' has 2 example\(s\) after limit 22, too few/);
});

void test('buildSplits returns plain {text,label} examples', () => {
  const examples = labels.map((l, i) => ({ text: `t${i}`, label: l, line: i + 1 }));
  const built = buildSplits({ examples, labels: names }, base, 'f');
  assert.deepEqual(Object.keys(built.splits[SPLITS[0]][0]!).sort(), ['label', 'text']);
  assert.equal(built.splits.train.length + built.splits.validation.length + built.splits.test.length, 200);
});

void test('fillKeepMask makes the same draws as mulberry32 (dropout masks and splits share one generator)', async () => {
  const { fillKeepMask, mulberry32, streamSeed } = await import('../../../src/ml/data/rng.js');
  const seed = streamSeed(42, 'dropout', 3);
  const out = new Float32Array(10_000);
  fillKeepMask(out, seed, 0.3, 2);
  const next = mulberry32(seed);
  for (let i = 0; i < out.length; i++) assert.equal(out[i], next() >= 0.3 ? 2 : 0, `draw ${i}`);
});
