/**
 * The prune nodes on a small trained model, through real node contexts on one in-memory cache:
 * a curve equals plain evaluations of its kept sets; strategies that reach the same kept sets
 * share evaluations through the memo (counted); the model output is the best k's pruned view;
 * greedy's first step is the ablation; iterative with an unchanging signal equals sequential.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLayers } from '../../src/ml/bert/manifest.js';
import type { CurveManifest } from '../../src/ml/prune/index.js';
import { makeScores, orient, topDown, type AblationManifest, type ScoresManifest } from '../../src/ml/signals/index.js';
import { ablationNode as ablationDecl, greedyNode as greedyDecl, iterativeNode as iterativeDecl, sequentialNode as sequentialDecl } from '../../src/nodes/prune.js';
import { signalNodes } from '../../src/nodes/score.js';
import { evaluateMemo, predictSplit, releaseEvalCache } from '../../src/nodes/run/eval-memo.js';
import { computeMetrics } from '../../src/ml/eval/index.js';
import { captureNode as captureDecl } from '../../src/nodes/signals.js';
import { nodeType } from '../util/node-types.js';
import { artifact, context, world, type World } from './prune-world.js';

const sequential = nodeType(sequentialDecl);
const greedy = nodeType(greedyDecl);
const iterative = nodeType(iterativeDecl);
const ablation = nodeType(ablationDecl);

let shared: Promise<World> | undefined;
const getWorld = (): Promise<World> => (shared ??= world());

function inputs(w: World, order?: ScoresManifest, from = 'score.x'): Record<string, ReturnType<typeof artifact>> {
  const base = { model: artifact('model', w.model, 'base'), data: artifact('dataset', w.data, 'data') };
  return order ? { ...base, order: artifact('scores', order, from) } : base;
}

void test('prune/sequential: the curve of an order, equal to plain evaluations; the model at the best k', async () => {
  const w = await getWorld();
  const ctx = context(w.cache, 'curve.top-down');
  const order = makeScores('top-down', w.model.layers, topDown(w.model.layers), {});
  const out = (await sequential.run(ctx, {}, inputs(w, order, 'top-down'))) as { curve: CurveManifest; model: typeof w.model };
  const c = out.curve;
  assert.equal(c.kind, 'sequential');
  assert.equal(c.strategy, 'top-down');
  assert.equal(c.source, 'top-down');
  assert.equal(c.dataset, 'words', 'named after the data file\'s folder');
  assert.equal(c.engine, 'onnxruntime-cpu', 'auto: ONNX Runtime where it loads');
  assert.deepEqual(c.order, [3, 2, 1, 0]);
  assert.deepEqual(c.points.map((p) => p.kept), [[0, 1, 2, 3], [0, 1, 2], [0, 1], [0]]);
  assert.equal(ctx.computed, 8, 'four kept sets on two splits');
  // The same numbers as plain evaluations (one set at a time, whole-model calls, no memo).
  const plain = context(w.cache, 'plain');
  for (const pt of c.points) {
    for (const split of ['test', 'validation'] as const) {
      const { outputs } = await predictSplit(plain, { model: w.model, dataset: w.data, split, layers: pt.kept });
      const m = computeMetrics(outputs.labels, outputs.predictions, w.data.labels);
      assert.equal(pt[split].accuracy, m.accuracy, `${split} [${pt.kept.join(',')}]`);
      assert.equal(pt[split].macro_f1, m.macroF1);
      assert.equal(pt[split].examples, split === 'test' ? 36 : 30);
    }
  }
  // The memo entries the curve wrote are model/evaluate's own.
  const stored = await evaluateMemo(plain, { model: w.model, dataset: w.data, split: 'test', layers: [0, 1] });
  assert.equal(plain.computed, 0);
  assert.equal(stored.accuracy, c.points[2]!.test.accuracy);
  assert.equal(stored.predictions.length, 36);
  releaseEvalCache();
  // Best k: argmax of validation accuracy over k >= 1, ties to the larger k.
  const v = c.points.map((p) => p.validation.accuracy);
  const best = [1, 2, 3].reduce((b, k) => (v[k]! >= v[b]! ? k : b), 1);
  assert.equal(c.best.k, best);
  assert.deepEqual(out.model, withLayers(w.model, c.best.kept), 'a pruned view sharing the tensors');
  assert.ok(c.points[1]!.parameters < c.points[0]!.parameters);
  // select_on test and max_drop are honoured.
  const onTest = (await sequential.run(context(w.cache), { select_on: 'test', max_drop: 1 }, inputs(w, order, 'top-down'))) as { curve: CurveManifest };
  assert.deepEqual([onTest.curve.select_on, onTest.curve.best.k, onTest.curve.best.rule, onTest.curve.max_drop], ['test', 3, 'max-drop', 1]);
});

void test('two strategies that share kept sets share evaluations through the memo', async () => {
  const w = await getWorld();
  const a = context(w.cache, 'curve.a');
  const orderA = makeScores('a', w.model.layers, orient([0, 1, 2, 3], 'high', w.model.layers), {}); // 3, 2, 1, 0 -> with top-down's cached
  await sequential.run(a, {}, inputs(w, orderA));
  assert.equal(a.computed, 0, 'top-down reached every one of these kept sets before');
  const b = context(w.cache, 'curve.b');
  // Order 3, 0, 1, 2: kept sets 0123 and 012 are top-down's; 12 and 2 are new.
  const orderB = makeScores('b', w.model.layers, orient([1, 2, 3, 0], 'low', w.model.layers), {});
  assert.deepEqual(orderB.order, [3, 0, 1, 2]);
  const out = (await sequential.run(b, {}, inputs(w, orderB))) as { curve: CurveManifest };
  assert.deepEqual(out.curve.points.map((p) => p.kept), [[0, 1, 2, 3], [0, 1, 2], [1, 2], [2]]);
  assert.equal(b.computed, 4, 'two new kept sets on two splits');
  releaseEvalCache();
});

void test('prune/greedy: its first step is the single-layer ablation, read from the memo', async () => {
  const w = await getWorld();
  const actx = context(w.cache, 'ablation');
  const { ablation: abl } = (await ablation.run(actx, {}, inputs(w))) as { ablation: AblationManifest };
  const g = context(w.cache, 'greedy');
  const { curve } = (await greedy.run(g, {}, inputs(w))) as { curve: CurveManifest };
  assert.equal(curve.kind, 'greedy');
  assert.equal(curve.strategy, 'greedy');
  assert.deepEqual([...curve.order].sort(), [0, 1, 2, 3]);
  // First removal: the smallest ablation drop (ties: lower layer).
  const first = abl.layers.reduce((b, l, i) => (abl.drops[i]! < abl.drops[abl.layers.indexOf(b)]! ? l : b), abl.layers[0]!);
  assert.equal(curve.order[0], first);
  // Step 1's four candidates and the full model were in the memo; steps 2 and 3 add at most
  // 3 + 2 validation sets, and the curve's test points at most 4.
  assert.ok(g.computed <= 3 + 2 + 4, `computed ${g.computed}`);
  releaseEvalCache();
});

void test('prune/iterative with a weight signal (unchanged by removals) equals prune/sequential by it', async () => {
  const w = await getWorld();
  const capture = nodeType(captureDecl);
  const weightNorm = nodeType(signalNodes.find((d) => d.type === 'score/weight-norm')!);
  const cctx = context(w.cache, 'signals');
  const { signals } = await capture.run(cctx, { tensors: ['hidden'] }, { model: artifact('model', w.model), data: artifact('dataset', w.data) });
  const { scores } = (await weightNorm.run(cctx, {}, { signals: artifact('signals', signals) })) as { scores: ScoresManifest };
  const seq = (await sequential.run(context(w.cache), {}, inputs(w, scores, 'score.weight-norm'))) as { curve: CurveManifest };
  const ictx = context(w.cache, 'iterative');
  const it = (await iterative.run(ictx, { signals: ['weight-norm'], fusion: { method: 'none' } }, inputs(w))) as { curve: CurveManifest };
  assert.equal(it.curve.kind, 'iterative');
  assert.equal(it.curve.strategy, 'iterative-none');
  assert.deepEqual(it.curve.order, seq.curve.order);
  assert.deepEqual(it.curve.points, seq.curve.points);
  assert.equal(ictx.computed, 0, 'every kept set was evaluated by the sequential curve');
  releaseEvalCache();
});

void test('prune/iterative with a learned fusion refits on each pruned model; bad recipes are refused by name', async () => {
  const w = await getWorld();
  const ctx = context(w.cache, 'iterative.lr');
  const out = (await iterative.run(ctx, { signals: ['weight-entropy', { name: 'activation-intensity' }, 'attention-entropy'], fusion: { method: 'linear-regression' }, strategy: 'dyn' }, inputs(w))) as {
    curve: CurveManifest;
  };
  assert.equal(out.curve.strategy, 'dyn');
  assert.deepEqual([...out.curve.order].sort(), [0, 1, 2, 3]);
  await assert.rejects(iterative.run(ctx, { signals: [{ name: 'weight-norm', bins: 3 }] }, inputs(w)), /iterative\.lr: signals\[0\]: weight-norm has no parameter 'bins'/);
  await assert.rejects(iterative.run(ctx, { signals: ['weight-norm'], fusion: { method: 'random-forest', ridge: 1 } }, inputs(w)), /iterative\.lr: fusion: method random-forest takes no ridge \(it takes trees, seed\)/);
  await assert.rejects(iterative.run(ctx, { signals: ['weight-norm', 'weight-entropy'], fusion: { method: 'none' } }, inputs(w)), /method none orders by one signal/);
  releaseEvalCache();
});

void test('prune/sequential refuses an order computed on other layers', async () => {
  const w = await getWorld();
  const order = makeScores('top-down', [0, 1, 2], topDown([0, 1, 2]), {});
  await assert.rejects(sequential.run(context(w.cache, 'curve.x'), {}, inputs(w, order, 'top-down')), /curve\.x: the order \(from top-down\) ranks layers \[0, 1, 2\] but the model keeps \[0, 1, 2, 3\]/);
});
