/** Linear-regression fusion: exact recovery, minimum-norm interpolation, ridge, importances. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLinear, predictLinear } from '../../../src/ml/fusion/linear-regression.js';
import { buildRows, fitPredict } from '../../../src/ml/fusion/fuse.js';
import { zscore, minMaxScale } from '../../../src/ml/fusion/zscore.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

void test('z-score per column across layers (population sd); a constant column becomes 0', () => {
  const z = zscore([1, 2, 3]);
  close(z[0]!, -Math.sqrt(1.5));
  close(z[2]!, Math.sqrt(1.5));
  assert.deepEqual(zscore([4, 4, 4]), [0, 0, 0]);
  assert.deepEqual(minMaxScale([2, 4, 3]), [0, 1, 0.5]);
  assert.deepEqual(minMaxScale([3, 3]), [1, 1]);
});

void test('with fewer features than layers - 1, LR recovers an exact linear target and its coefficients', () => {
  const keeps = [
    [0.3, 1.2, -0.7, 2.5, 0.1, 0.9, -1.4, 0.6],
    [5, 3, 8, 1, 9, 2, 7, 4],
    [0.01, 0.05, 0.02, 0.08, 0.03, 0.07, 0.04, 0.06],
  ];
  const signals = keeps.map((keep, i) => ({ name: `s${i}`, keep }));
  const rows = buildRows(signals);
  const beta = [0.5, -0.3, 0.1];
  const target = rows.features.map((r) => 0.2 + r.reduce((s, v, j) => s + v * beta[j]!, 0));
  const fit = fitPredict('linear-regression', [{ ...rows, target }], rows.names, rows.features);
  beta.forEach((b, j) => close(fit.coefficients![`s${j}`]!, b));
  close(fit.intercept!, 0.2);
  fit.scores.forEach((s, l) => close(s, target[l]!));
  // Importances: |standardized coefficient| min-max scaled (features are z-scored: sd 1).
  close(fit.importances.s0!, 1);
  close(fit.importances.s2!, 0);
  close(fit.importances.s1!, (0.3 - 0.1) / (0.5 - 0.1));
});

void test('as many features as layers: the minimum-norm solution interpolates the target', () => {
  const x = [
    [1, 0, 2, 1],
    [0, 1, 1, 3],
    [2, 2, 0, 1],
    [1, 3, 1, 0],
  ];
  const y = [0.1, 0.0, 0.3, 0.05];
  const m = fitLinear(x, y);
  predictLinear(m, x).forEach((p, i) => close(p, y[i]!, 1e-9));
  // Minimum norm: among exact fits, no other slope of the centred system is shorter. Adding a
  // null-space direction of the centred design keeps the fit but lengthens the slope.
  const norm = Math.hypot(...m.coefficients);
  assert.ok(norm < 1e3 && Number.isFinite(norm));
});

void test('ridge shrinks the slope and leaves the intercept unpenalised', () => {
  const x = [[-1], [0], [1]];
  const y = [1, 2, 3];
  const plain = fitLinear(x, y);
  close(plain.coefficients[0]!, 1);
  const ridge = fitLinear(x, y, 2);
  // (X'X + 2)^-1 X'y = 2 / (2 + 2) = 0.5, intercept mean(y) = 2.
  close(ridge.coefficients[0]!, 0.5);
  close(ridge.intercept, 2);
});
