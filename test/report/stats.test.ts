import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holm, minExactP, ranksDescending, standardError, wilcoxonSignedRank } from '../../src/report/stats.js';

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

void test('Wilcoxon: 9 positive differences give the exact two-sided p = 2/512', () => {
  const r = wilcoxonSignedRank([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  assert.equal(r.method, 'exact');
  assert.equal(r.nonZero, 9);
  assert.equal(r.statistic, 45);
  close(r.p, 2 / 512, 1e-15, 'p');
  close(r.minP, 2 / 512, 1e-15, 'min p');
});

void test("Wilcoxon: R's paired example (depression scores), V = 40, two-sided exact p = 0.0390625", () => {
  // R: wilcox.test(x, y, paired = TRUE) on the Hollander & Wolfe example in ?wilcox.test.
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const r = wilcoxonSignedRank(x.map((v, i) => v - (y[i] as number)));
  assert.equal(r.statistic, 40);
  assert.equal(r.method, 'exact');
  close(r.p, 20 / 512, 1e-12, 'two-sided p');
  close(wilcoxonSignedRank(x.map((v, i) => v - (y[i] as number)), 'greater').p, 10 / 512, 1e-12, 'one-sided p');
});

void test('Wilcoxon: zero differences are dropped and the rest still gets the exact distribution', () => {
  const r = wilcoxonSignedRank([0, 0, 0.01, 0.02, 0.03, 0.04, 0.05]);
  assert.equal(r.n, 7);
  assert.equal(r.nonZero, 5);
  assert.equal(r.method, 'exact');
  close(r.p, 2 / 32, 1e-15, 'p with 5 non-zero pairs');
  // Accuracy differences equal as counts must count as zero despite float noise.
  const noisy = wilcoxonSignedRank([0.7 - 0.7, 0.3 - 0.1 - 0.2, 0.1, 0.2]);
  assert.equal(noisy.nonZero, 2);
});

void test('Wilcoxon: tied absolute differences switch to the normal approximation (tie and continuity corrected)', () => {
  // |d| = 1 1 2 2 3 -> ranks 1.5 1.5 3.5 3.5 5; W+ = 13.5; var = 13.75 - 12/48 = 13.5;
  // z = (13.5 - 7.5 - 0.5) / sqrt(13.5); p = 2 (1 - Phi(z)) = 0.134417 (R: V = 13.5, p = 0.1344).
  const r = wilcoxonSignedRank([1, 2, 2, 3, -1]);
  assert.equal(r.method, 'normal');
  assert.equal(r.statistic, 13.5);
  close(r.p, 0.13441657417036046, 1e-6, 'p');
});

void test('Wilcoxon: all-zero and single-pair samples', () => {
  const z = wilcoxonSignedRank([0, 0, 0]);
  assert.equal(z.method, 'none');
  assert.equal(z.p, 1);
  const one = wilcoxonSignedRank([0, 0.5]);
  assert.equal(one.nonZero, 1);
  assert.equal(one.p, 1);
  assert.equal(wilcoxonSignedRank([0.5], 'greater').p, 0.5);
  assert.throws(() => wilcoxonSignedRank([Number.NaN, 1]), /paired difference is NaN/);
});

void test('smallest attainable p: 2/2^n two-sided, 1/2^n one-sided', () => {
  assert.equal(minExactP(3), 0.25);
  assert.equal(minExactP(5), 2 / 32);
  assert.equal(minExactP(6), 2 / 64);
  assert.equal(minExactP(4, 'greater'), 1 / 16);
  assert.equal(minExactP(0), 1);
});

void test('ranks: best = 1, ties averaged', () => {
  assert.deepEqual(ranksDescending([0.8, 0.9, 0.8, 0.7]), [2.5, 1, 2.5, 4]);
  assert.deepEqual(ranksDescending([0.5, 0.5, 0.5]), [2, 2, 2]);
  // Equal as counts, unequal as doubles: still a tie.
  assert.deepEqual(ranksDescending([0.1 + 0.2, 0.3, 0.1]), [1.5, 1.5, 3]);
});

void test('standard error of the mean and Holm adjustment', () => {
  close(standardError([1, 2, 3, 4]) as number, Math.sqrt(5 / 3) / 2, 1e-12, 'SE');
  assert.equal(standardError([1]), null);
  // Holm: sorted p 0.01, 0.02, 0.04 times 3, 2, 1, made monotone.
  const adj = holm([0.04, 0.01, 0.02]);
  close(adj[0] as number, 0.04, 1e-12, 'largest');
  close(adj[1] as number, 0.03, 1e-12, 'smallest');
  close(adj[2] as number, 0.04, 1e-12, 'middle');
});
