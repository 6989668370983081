import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, percentChange, rowCells } from '../../src/report/analysis.js';
import { compare } from '../../src/report/comparisons.js';
import { distillationRows } from '../../src/report/distillation.js';
import { ReportInputError } from '../../src/report/errors.js';
import { importances } from '../../src/report/importances.js';
import { curve, smallInput } from './fixtures/small.js';

void test('percent change against the unpruned model', () => {
  assert.ok(Math.abs(percentChange(0.79, 0.8) - -1.25) < 1e-12);
  assert.equal(percentChange(0.75, 0.75), 0);
  assert.ok(Math.abs(percentChange(0.815, 0.8) - 1.875) < 1e-12);
});

void test('chosen models, ranks with ties averaged, mean ranks, % change and sizes', () => {
  const a = analyse(smallInput());
  assert.deepEqual(a.datasets.map((d) => [d.name, d.unpruned.accuracy, d.unpruned.parameters]), [
    ['alpha', 0.8, 3000],
    ['beta', 0.75, 3000],
  ]);
  assert.deepEqual(a.rows.map((r) => r.id), ['random-forest', 'weight-entropy', 'random']);
  const cell = (row: string, ds: string) => a.cells.get(row)?.get(ds);
  // alpha: RF and weight-entropy tie at 0.79 -> ranks 1.5, 1.5; random 0.70 -> 3.
  assert.deepEqual(['random-forest', 'weight-entropy', 'random'].map((r) => cell(r, 'alpha')?.rank), [1.5, 1.5, 3]);
  // beta: RF chose k = 2 (0.75), weight-entropy k = 1 (0.70), random 0.60.
  assert.deepEqual(['random-forest', 'weight-entropy', 'random'].map((r) => cell(r, 'beta')?.rank), [1, 2, 3]);
  assert.deepEqual([...a.meanRank], [
    ['random-forest', 1.25],
    ['weight-entropy', 1.75],
    ['random', 3],
  ]);
  const rf = cell('random-forest', 'beta');
  assert.equal(rf?.k, 2);
  assert.deepEqual(rf?.kept, [1]);
  assert.equal(rf?.change, 0);
  assert.equal(rf?.parameters, 1000);
  assert.equal(rf?.mb, 0.004);
  assert.ok(Math.abs((rf?.ratioChangePct as number) - 200) < 1e-9, 'a third of the size at the same accuracy: +200% accuracy per GB');
  assert.ok(Math.abs((cell('random', 'alpha')?.change as number) - -12.5) < 1e-9);
  assert.deepEqual(rowCells(a, 'random').map((c) => c.dataset), ['alpha', 'beta']);
  assert.deepEqual(a.selectOn, ['validation']);
  assert.deepEqual(a.warnings, []);
});

void test('statistics across datasets: families, n, and the note when n is too small', () => {
  const input = smallInput();
  const a = analyse(input);
  const d = distillationRows(input.distillations, ['alpha', 'beta']);
  const c = compare(a, d);
  assert.equal(c.n, 2);
  assert.equal(c.applicable, true);
  assert.equal(c.minP, 0.5);
  assert.match(c.note, /n = 2 datasets: .* 2\/2\^2 = 0\.500, so no result can reach significance at 0\.05/);
  assert.deepEqual(
    c.rows.map((r) => `${r.family}: ${r.a} - ${r.b} (${r.datasets.length})`),
    [
      'vs random: random-forest - random (2)',
      'vs random: weight-entropy - random (2)',
      'vs unpruned: random-forest - unpruned (2)',
      'vs unpruned: weight-entropy - unpruned (2)',
      'vs unpruned: random - unpruned (2)',
      'fusion vs signal: random-forest - weight-entropy (2)',
      'distilled vs unpruned: distilled (random-forest) - unpruned (1)',
      'distilled vs control: distilled (random-forest) - control (random-forest) (1)',
    ],
  );
  const vsRandom = c.rows[0];
  assert.ok(vsRandom?.test);
  assert.equal(vsRandom.test.method, 'exact');
  assert.equal(vsRandom.test.p, 0.5);
  // RF vs weight-entropy: alpha tie (dropped), beta +0.05 -> one non-zero pair.
  const fusion = c.rows.find((r) => r.family === 'fusion vs signal');
  assert.equal(fusion?.test?.nonZero, 1);
  // One distillation: a single dataset pairs up, so no test.
  assert.equal(c.rows.find((r) => r.family === 'distilled vs unpruned')?.test, null);
});

void test('one dataset: statistics across datasets are not applicable', () => {
  const input = smallInput();
  input.curves = input.curves.filter((c) => c.dataset === 'alpha');
  const a = analyse(input);
  const c = compare(a, distillationRows(input.distillations, ['alpha']));
  assert.equal(c.applicable, false);
  assert.deepEqual(c.rows, []);
  assert.match(c.note, /n = 1 dataset: tests across datasets are not applicable/);
});

void test('bad input: messages name the curve and dataset', () => {
  const dup = smallInput();
  dup.curves.push(curve('alpha', 'random', [0, 1, 2], [160, 150, 140], [80, 75, 70], 1));
  assert.throws(() => analyse(dup), (e: unknown) => e instanceof ReportInputError && /two curves for strategy "random" on dataset "alpha" \(from order\.alpha\.random and order\.alpha\.random\)/.test(e.message));

  const other = smallInput();
  const c = curve('alpha', 'top-down', [2, 1, 0], [160, 150, 140], [80, 75, 70], 1);
  (c.points[0] as { parameters: number }).parameters = 4000;
  other.curves.push(c);
  assert.throws(() => analyse(other), /dataset "alpha": curve of "top-down" on "alpha" \(from order\.alpha\.top-down\) starts from a different model/);

  const bad = smallInput();
  (bad.curves[1] as { best: { k: number } }).best.k = 0;
  assert.throws(() => analyse(bad), /curve of "weight-entropy" on "alpha" \(from order\.alpha\.weight-entropy\): best\.k must be a pruned point \(1\.\.2\), got 0/);

  const acc = smallInput();
  (acc.curves[2]?.points[1] as { test: { accuracy: number } }).test.accuracy = 1.5;
  assert.throws(() => analyse(acc), /curve of "random" on "alpha" \(from order\.alpha\.random\), point k=1: test: accuracy must be a number in \[0, 1\], got 1\.5/);

  assert.throws(() => analyse({ ...smallInput(), curves: [] }), /no curves/);
});

void test('an unpruned accuracy that differs between curves is a warning, and the most common value is used', () => {
  const input = smallInput();
  (input.curves[2]?.points[0] as { test: { accuracy: number } }).test.accuracy = 0.805;
  const a = analyse(input);
  assert.equal(a.datasets[0]?.unpruned.accuracy, 0.8);
  assert.deepEqual(a.warnings, ['dataset alpha: the unpruned model\'s test accuracy differs between curves (order.alpha.random: 0.805; used 0.8, the most common value)']);
});

void test('iterative and greedy curves are rows of their own', () => {
  const input = smallInput();
  input.curves.push(curve('alpha', 'random-forest', [1, 0, 2], [160, 159, 120], [80, 79, 60], 1, 'iterative'));
  input.curves.push(curve('alpha', 'greedy', [1, 0, 2], [160, 159, 120], [80, 79, 60], 1, 'greedy'));
  // prune/iterative's default name already says the schedule; its family and colour are the fusion's.
  input.curves.push(curve('alpha', 'iterative-random-forest', [1, 0, 2], [160, 159, 120], [80, 79, 60], 1, 'iterative'));
  const a = analyse(input);
  assert.deepEqual(a.rows.map((r) => r.id), ['random-forest', 'iterative-random-forest', 'random-forest (iterative)', 'weight-entropy', 'random', 'greedy']);
  const it = a.rows[1];
  assert.deepEqual([it?.base, it?.family, a.styles.get('iterative-random-forest')?.color, a.styles.get('iterative-random-forest')?.dash], ['random-forest', 'fusion', a.styles.get('random-forest')?.color, [6, 3]]);
  assert.match(a.warnings[0] ?? '', /no curve for iterative-random-forest on beta, random-forest \(iterative\) on beta, greedy on beta/);
});

void test('importances: means across datasets, RF marks above the median, LR needs datasets to test', () => {
  const imp = importances(smallInput().fusions, ['alpha', 'beta']);
  assert.deepEqual(imp.fusions, ['linear-regression', 'random-forest']);
  assert.deepEqual(imp.signals, ['weight-entropy', 'attention-weight']);
  const rf = imp.rows.filter((r) => r.fusion === 'random-forest');
  assert.deepEqual(rf.map((r) => [r.signal, r.mean, r.marked]), [
    ['weight-entropy', 0.5, false],
    ['attention-weight', 0.5, false],
  ]);
  const lr = imp.rows.filter((r) => r.fusion === 'linear-regression');
  assert.deepEqual(lr.map((r) => [r.signal, r.values.length, r.positive]), [
    ['weight-entropy', 1, null],
    ['attention-weight', 1, null],
  ]);
});
