/**
 * signals/capture, every score/* node, prune/ablation and the fuse/* nodes run as the executor
 * runs them, on a tiny freshly initialised model; bad input errors name the node and the cause.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { NodeError } from '../../src/artifacts/index.js';
import type { SignalsManifest } from '../../src/ml/signals/manifest.js';
import type { AblationManifest, ScoresManifest } from '../../src/ml/signals/scores-manifest.js';
import { weightNorm, WEIGHT_MATRIX_SUFFIXES } from '../../src/ml/signals/index.js';
import { artifact, asNode, makeContext, makeWorld, runNode } from './signals-rig.js';
import { PAPER_SIGNALS } from '../util/signals.js';

const SIGNALS: readonly string[] = PAPER_SIGNALS;

function checkScores(s: ScoresManifest, layers: number[]): void {
  assert.equal(s.format, 'layerfuse/scores@1');
  assert.deepEqual(s.layers, layers);
  assert.deepEqual([...s.order].sort((a, b) => a - b), layers);
  s.keep.forEach((k, i) => assert.equal(k, s.direction === 'low' ? s.scores[i] : 0 - s.scores[i]!));
  // The order is by ascending keep.
  const keepOf = (l: number) => s.keep[layers.indexOf(l)]!;
  for (let i = 1; i < s.order.length; i++) assert.ok(keepOf(s.order[i - 1]!) <= keepOf(s.order[i]!));
}

void test('capture once, then every score node reads it (weights from the model blobs)', async () => {
  const ctx = makeContext('signals');
  const w = await makeWorld(ctx);
  const before = tf.memory().numTensors;
  const out = await runNode(ctx, 'signals/capture', { batch: 8 }, { model: w.model, data: w.data });
  assert.equal(tf.memory().numTensors, before, 'capture leaks tensors');
  const m = out.signals as SignalsManifest;
  assert.deepEqual(m.layers, [0, 1, 2]);
  assert.equal(m.n, 24);
  assert.equal(m.batches, 3);
  assert.deepEqual(m.pooled?.shape, [4, 24, 8]);
  assert.deepEqual(m.gradients?.shape, [3, 3, 2]);
  assert.equal(m.weights['1']![0]!.$tensor, w.modelManifest.tensors['bert.encoder.layer.1.attention.self.query.weight']!.$tensor);
  const signals = artifact('signals', m);
  for (const name of SIGNALS) {
    const s = (await runNode(asNode(ctx, `score.${name}`), `score/${name}`, {}, { signals })).scores as ScoresManifest;
    checkScores(s, [0, 1, 2]);
    assert.equal(s.strategy, name);
    assert.ok(s.scores.every((v) => Number.isFinite(v) && v >= 0), `${name}: ${s.scores}`);
    if (name === 'weight-norm') {
      const hf = await w.classifier.toHF();
      const want = [0, 1, 2].map((l) => weightNorm(WEIGHT_MATRIX_SUFFIXES.map((x) => hf.get(`bert.encoder.layer.${l}.${x}`)!.data as Float32Array)));
      s.scores.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-9));
    }
  }
  // Score params: direction flips the order; the ffn tensor of inhibition differs from output.
  const low = (await runNode(ctx, 'score/attention-entropy', { direction: 'low' }, { signals })).scores as ScoresManifest;
  const high = (await runNode(ctx, 'score/attention-entropy', {}, { signals })).scores as ScoresManifest;
  assert.deepEqual(low.keep, high.keep.map((k) => 0 - k));
  const ffn = (await runNode(ctx, 'score/activation-inhibition', { tensor: 'ffn' }, { signals })).scores as ScoresManifest;
  assert.notDeepEqual(ffn.scores, high.scores);
  // Baselines.
  const r1 = (await runNode(ctx, 'score/random', { seed: 3 }, { model: w.model })).scores as ScoresManifest;
  const r2 = (await runNode(ctx, 'score/random', { seed: 3 }, { signals })).scores as ScoresManifest;
  assert.deepEqual(r1.order, r2.order);
  assert.deepEqual(((await runNode(ctx, 'score/top-down', {}, { model: w.model })).scores as ScoresManifest).order, [2, 1, 0]);
  assert.deepEqual(((await runNode(ctx, 'score/bottom-up', {}, { signals })).scores as ScoresManifest).order, [0, 1, 2]);
  w.classifier.dispose();
});

void test('capture with only some tensors: no backward, and a gradient score names the missing group', async () => {
  const ctx = makeContext('signals');
  const w = await makeWorld(ctx);
  const m = (await runNode(ctx, 'signals/capture', { batch: 8, tensors: ['hidden'] }, { model: w.model, data: w.data })).signals as SignalsManifest;
  assert.equal(m.gradients, undefined);
  const signals = artifact('signals', m);
  await assert.rejects(
    runNode(asNode(ctx, 'score.gradient-fisher'), 'score/gradient-fisher', {}, { signals }),
    (e: Error) => e instanceof NodeError && /^score\.gradient-fisher: gradient-fisher needs the capture's 'gradients' statistics/.test(e.message),
  );
  // Weight signals need no capture group.
  await runNode(ctx, 'score/weight-entropy', {}, { signals });
  w.classifier.dispose();
});

void test('bad input: one class, fewer examples than bins, NaN in a captured tensor', async () => {
  const ctx = makeContext('signals');
  const one = await makeWorld(ctx, { oneClass: true });
  await assert.rejects(
    runNode(ctx, 'signals/capture', {}, { model: one.model, data: one.data }),
    (e: Error) => e instanceof NodeError && /^signals: calibration split: the calibration sample has one class only \(label 0\)/.test(e.message),
  );
  one.classifier.dispose();
  const w = await makeWorld(ctx);
  const m = (await runNode(ctx, 'signals/capture', { batch: 8 }, { model: w.model, data: w.data })).signals as SignalsManifest;
  await assert.rejects(
    runNode(asNode(ctx, 'score.mi'), 'score/task-relevance-mi', { bins: 30 }, { signals: artifact('signals', m) }),
    (e: Error) => e instanceof NodeError && /^score\.mi: the calibration sample has 24 examples, fewer than bins \(30\)/.test(e.message),
  );
  w.classifier.dispose();
  const bad = await makeWorld(ctx, { poison: true });
  await assert.rejects(
    runNode(ctx, 'signals/capture', { batch: 8 }, { model: bad.model, data: bad.data }),
    (e: Error) => e instanceof NodeError && /^signals: captured .* is NaN at /.test(e.message),
  );
  bad.classifier.dispose();
});

void test('ablation, score/ablation and the four fusions; fit: cross never uses this model\'s target', async () => {
  const ctx = makeContext('signals');
  const w = await makeWorld(ctx);
  const other = await makeWorld(ctx, { seed: 9 });
  const capture = async (x: typeof w) => artifact('signals', (await runNode(ctx, 'signals/capture', { batch: 8 }, { model: x.model, data: x.data })).signals);
  const scoresOf = async (sig: ReturnType<typeof artifact>, names: string[]) =>
    Promise.all(names.map(async (n) => artifact('scores', (await runNode(ctx, `score/${n}`, {}, { signals: sig })).scores, `score.${n}`)));
  const names = ['weight-entropy', 'attention-entropy', 'gradient-fisher'];
  const mine = await scoresOf(await capture(w), names);
  const abl = (await runNode(asNode(ctx, 'ablation'), 'prune/ablation', {}, { model: w.model, data: w.data })).ablation as AblationManifest;
  assert.equal(abl.split, 'validation');
  assert.equal(abl.drops.length, 3);
  abl.drops.forEach((d, i) => assert.ok(Math.abs(d - (abl.accuracy_full - abl.accuracies[i]!)) < 1e-12));
  const target = artifact('ablation', abl);
  const byAblation = (await runNode(ctx, 'score/ablation', {}, { ablation: target })).scores as ScoresManifest;
  checkScores(byAblation, [0, 1, 2]);

  const lr = (await runNode(ctx, 'fuse/linear-regression', {}, { scores: mine, target })).scores as ScoresManifest;
  checkScores(lr, [0, 1, 2]);
  assert.deepEqual(lr.signals, names);
  // With at least L - 1 features the minimum-norm fit interpolates the drops.
  lr.scores.forEach((s, i) => assert.ok(Math.abs(s - abl.drops[i]!) < 1e-9));
  assert.ok(Object.values(lr.importances!).every((v) => v >= 0 && v <= 1));
  const rf = (await runNode(ctx, 'fuse/random-forest', { trees: 20 }, { scores: mine, target })).scores as ScoresManifest;
  checkScores(rf, [0, 1, 2]);
  const ws = (await runNode(ctx, 'fuse/weighted-sum', { weights: { 'weight-entropy': 2, 'attention-entropy': 1, 'gradient-fisher': 0 } }, { scores: mine })).scores as ScoresManifest;
  checkScores(ws, [0, 1, 2]);
  const rm = (await runNode(ctx, 'fuse/rank-mean', {}, { scores: mine })).scores as ScoresManifest;
  checkScores(rm, [0, 1, 2]);
  // Fusions are scores: they can be fused again.
  checkScores((await runNode(ctx, 'fuse/rank-mean', {}, { scores: [artifact('scores', ws, 'ws'), artifact('scores', rm, 'rm')] })).scores as ScoresManifest, [0, 1, 2]);
  await assert.rejects(
    runNode(asNode(ctx, 'fuse.ws'), 'fuse/weighted-sum', { weights: { 'weight-entropy': 1, 'attention-entropy': 1, 'gradient-fisher': 1, 'weight-entorpy': 1 } }, { scores: mine }),
    (e: Error) => e instanceof NodeError && /^fuse\.ws: weights name signals that are not inputs: weight-entorpy/.test(e.message),
  );
  await assert.rejects(runNode(asNode(ctx, 'fuse.lr'), 'fuse/linear-regression', {}, { scores: mine }), /fuse\.lr: fit: in-sample needs target/);

  // Cross: rows from the other model's in-sample fusion; this model's target changes nothing.
  const otherScores = await scoresOf(await capture(other), names);
  const otherAbl = (await runNode(ctx, 'prune/ablation', {}, { model: other.model, data: other.data })).ablation as AblationManifest;
  const otherFit = artifact('scores', (await runNode(ctx, 'fuse/linear-regression', {}, { scores: otherScores, target: artifact('ablation', { ...otherAbl, drops: [0.05, 0.01, 0.1] }) })).scores, 'fuse.other');
  for (const method of ['linear-regression', 'random-forest']) {
    const a = (await runNode(ctx, `fuse/${method}`, { fit: 'cross' }, { scores: mine, target, rows: [otherFit] })).scores as ScoresManifest;
    const b = (await runNode(ctx, `fuse/${method}`, { fit: 'cross' }, { scores: mine, target: artifact('ablation', { ...abl, drops: [9, -3, 4] }), rows: [otherFit] })).scores as ScoresManifest;
    const c = (await runNode(ctx, `fuse/${method}`, { fit: 'cross' }, { scores: mine, rows: [otherFit] })).scores as ScoresManifest;
    assert.deepEqual(a.scores, b.scores, method);
    assert.deepEqual(a.scores, c.scores, method);
    assert.equal(a.fit, 'cross');
    checkScores(a, [0, 1, 2]);
  }
  await assert.rejects(runNode(asNode(ctx, 'fuse.x'), 'fuse/random-forest', { fit: 'cross' }, { scores: mine, rows: [mine[0]!] }), /fuse\.x: rows input score\.weight-entropy carries no fusion rows/);
  w.classifier.dispose();
  other.classifier.dispose();
});
