import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmaxRows, computeMetrics, confusionMatrix, metricsFromConfusion, softmaxRow } from '../../../src/ml/eval/index.js';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

void test('metrics from a hand-made 3-class confusion matrix', () => {
  // rows = true, columns = predicted
  const cm = [
    [5, 1, 0],
    [2, 3, 1],
    [0, 0, 4],
  ];
  const m = metricsFromConfusion(cm, ['a', 'b', 'c']);
  assert.equal(m.numExamples, 16);
  close(m.accuracy, 12 / 16, 'accuracy');
  // a: tp 5, predicted 7, true 6; b: tp 3, predicted 4, true 6; c: tp 4, predicted 5, true 4
  const expected = [
    { p: 5 / 7, r: 5 / 6 },
    { p: 3 / 4, r: 3 / 6 },
    { p: 4 / 5, r: 1 },
  ];
  expected.forEach(({ p, r }, i) => {
    const c = m.perClass[i]!;
    close(c.precision, p, `precision ${i}`);
    close(c.recall, r, `recall ${i}`);
    close(c.f1, (2 * p * r) / (p + r), `f1 ${i}`);
  });
  assert.deepEqual(m.perClass.map((c) => c.support), [6, 6, 4]);
  assert.deepEqual(m.perClass.map((c) => c.label), ['a', 'b', 'c']);
  close(m.macroF1, m.perClass.reduce((s, c) => s + c.f1, 0) / 3, 'macro-F1');
  close(m.macroPrecision, (5 / 7 + 3 / 4 + 4 / 5) / 3, 'macro precision');
  close(m.macroRecall, (5 / 6 + 1 / 2 + 1) / 3, 'macro recall');
});

void test('zero denominators give 0 and absent classes count in the macro average', () => {
  // Class 2 is never predicted and has no examples; class 1 is never predicted.
  const m = computeMetrics([0, 0, 1, 1], [0, 0, 0, 0], ['x', 'y', 'z']);
  assert.deepEqual(m.confusion, [
    [2, 0, 0],
    [2, 0, 0],
    [0, 0, 0],
  ]);
  close(m.accuracy, 0.5, 'accuracy');
  close(m.perClass[0]!.precision, 0.5, 'precision x');
  close(m.perClass[0]!.recall, 1, 'recall x');
  close(m.perClass[0]!.f1, 2 / 3, 'f1 x');
  for (const c of m.perClass.slice(1)) assert.deepEqual([c.precision, c.recall, c.f1], [0, 0, 0]);
  close(m.macroF1, 2 / 9, 'macro-F1 over all three classes');
  assert.equal(metricsFromConfusion([[0, 0], [0, 0]], ['a', 'b']).accuracy, 0);
});

void test('perfect predictions and input checks', () => {
  const m = computeMetrics([0, 1, 1, 0], [0, 1, 1, 0], ['n', 'p']);
  assert.equal(m.accuracy, 1);
  assert.equal(m.macroF1, 1);
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 labels but 1 predictions/);
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 2), /example 1: class 3 or prediction 0 outside 0\.\.1/);
  assert.throws(() => metricsFromConfusion([[1]], ['a', 'b']), /2 label names for a 1-class confusion matrix/);
});

void test('argmax (ties to the lower class) and softmax', () => {
  assert.deepEqual(Array.from(argmaxRows(Float32Array.of(1, 3, 2, 5, 5, 0), 3)), [1, 0]);
  const p = softmaxRow([1000, 1000, 1000 - Math.log(2)]);
  close(p[0]!, 0.4, 'p0');
  close(p[2]!, 0.2, 'p2');
});
