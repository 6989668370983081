/**
 * Pruning-curve cost of a strategy sweep (issue 10): 15 strategies (the 12 signals, random,
 * top-down, bottom-up) on a 6-layer model, each curve scored on test and validation. Prints
 * the layer forwards computed (counted by a CountingEngine around the TF.js engine, in
 * full-split passes: layer applications / batches of the split) against the naive count
 * (strategies x sum over k of (L - k) per split), for:
 *   plain       every model of every curve from scratch (the naive count, measured);
 *   per-curve   prefix reuse within each curve, no memo;
 *   memo        what prune/sequential nodes do: a shared evaluation memo across strategies
 *               (the cache's ctx.memo in a pipeline) plus prefix reuse within each node;
 *   shared      one evaluator (one prefix cache) for the whole sweep, as one process running
 *               every curve would: the floor for cross-strategy prefix sharing.
 * Target: memo <= 40% of naive. Wall times of plain and memo are printed side by side.
 *
 * The model is trained for a few seconds on a synthetic task (which marker token a sequence
 * holds) so that the signals give real, partly agreeing orders, as on real data.
 * Run: npm run build && node dist/bench/prune-sweep.js [--backend wasm] [--examples 96] [--seq 24]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/ml/backend.js';
import { makeConfig } from '../src/ml/bert/config.js';
import { BertClassifier } from '../src/ml/bert/model.js';
import { layerPrefix } from '../src/ml/bert/names.js';
import { makeBatches } from '../src/ml/data/batches.js';
import { CountingEngine } from '../src/ml/engine/counting.js';
import { TfjsLayerEngine } from '../src/ml/engine/tfjs-engine.js';
import { buildCurve, MemoScorer, PrefixEvaluator, type CurveSplit, type ScoreMemo, type StoredScore } from '../src/ml/prune/index.js';
import { bottomUp, captureStats, orient, randomOrder, SIGNAL_DIRECTIONS, SIGNAL_NAMES, signalScores, topDown, WEIGHT_MATRIX_SUFFIXES, type SignalParams } from '../src/ml/signals/index.js';
import { withDefaults } from '../src/nodes/family.js';
import { signalNodes } from '../src/nodes/score.js';
import { train } from '../src/ml/train/index.js';
import type { EncodedSplit } from '../src/ml/types.js';

const TARGET = 0.4;
const LAYERS = 6;

function synthetic(n: number, seq: number, seed: number): EncodedSplit {
  let s = seed >>> 0;
  const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const ids: Int32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 4;
    const len = Math.max(3, Math.floor(seq * (0.4 + 0.6 * rand())));
    const body = Array.from({ length: len - 2 }, () => 10 + Math.floor(rand() * 90));
    // A noisy marker: 20% of sequences carry another class's, so accuracy depends on depth.
    body[Math.floor(rand() * body.length)] = 5 + (rand() < 0.8 ? y : (y + 1) % 4);
    ids.push(Int32Array.from([2, ...body, 3]));
    labels.push(y);
  }
  return { ids, labels: Int32Array.from(labels) };
}

class MapMemo implements ScoreMemo {
  private readonly values = new Map<string, StoredScore>();
  peek(split: CurveSplit, kept: readonly number[]): Promise<StoredScore | undefined> {
    return Promise.resolve(this.values.get(`${split}/${kept.join(',')}`));
  }
  store(split: CurveSplit, kept: readonly number[], c: { metrics: StoredScore }): Promise<StoredScore> {
    const v = { accuracy: c.metrics.accuracy, macroF1: c.metrics.macroF1, numExamples: c.metrics.numExamples };
    this.values.set(`${split}/${kept.join(',')}`, v);
    return Promise.resolve(v);
  }
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, examples: { type: 'string', default: '96' }, seq: { type: 'string', default: '24' } } });
  const backend = await initBackend(a.backend);
  const n = Number(a.examples);
  const seq = Number(a.seq);
  const config = makeConfig({ vocabSize: 100, numLabels: 4, hiddenSize: 64, numLayers: LAYERS, numHeads: 4, intermediateSize: 256, maxPositions: seq });
  const model = BertClassifier.create(config, { seed: 3 });
  const trainSplit = synthetic(4 * n, seq, 1);
  await train(model, (e) => makeBatches(trainSplit, 16, { shuffleSeed: 10 + e, sortByLength: true }), { epochs: 4, lr: 3e-3, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 1 });
  const splits: Record<CurveSplit, EncodedSplit> = { test: synthetic(n, seq, 2), validation: synthetic(n, seq, 3) };
  const batches = { test: makeBatches(splits.test, 16, { sortByLength: true }), validation: makeBatches(splits.validation, 16, { sortByLength: true }) };

  // The 15 orders: every signal on one capture, plus the three baselines.
  const calibration = makeBatches(synthetic(64, seq, 4), 16);
  const stats = await captureStats(model, calibration, { eps: 1e-10 });
  const mats = new Map<number, Float32Array[]>();
  for (const l of model.layers) mats.set(l, await Promise.all(WEIGHT_MATRIX_SUFFIXES.map(async (s) => (await model.param(layerPrefix(l) + s).data()) as Float32Array)));
  const weights = (l: number): Float32Array[] => mats.get(l)!;
  const layers = [...model.layers];
  // Each signal with its score node's defaults (docs/method.md's values).
  const params = (name: string): SignalParams => withDefaults(signalNodes.find((d) => d.type === `score/${name}`)!, {}) as SignalParams;
  const orders: Array<[string, number[]]> = SIGNAL_NAMES.map((name) => [name, orient(signalScores(name, stats, params(name), weights), SIGNAL_DIRECTIONS[name], layers).order]);
  orders.push(['random', randomOrder(layers, 42).order], ['top-down', topDown(layers).order], ['bottom-up', bottomUp(layers).order]);
  const naive = orders.length * Array.from({ length: LAYERS }, (_, k) => LAYERS - k).reduce((x, y) => x + y) * 2;
  const distinct = new Set(orders.map(([, o]) => o.join()));
  console.log(`prune sweep: backend ${backend}, ${orders.length} strategies (${distinct.size} distinct orders), ${LAYERS} layers, ${n} test + ${n} validation examples; naive ${naive} full-split layer passes (test + validation)`);

  const run = async (mode: 'plain' | 'per-curve' | 'memo' | 'shared'): Promise<{ passes: number; seconds: number; best: number[] }> => {
    // One counted engine per split, so passes are per split's batches.
    const engines = { test: new CountingEngine(new TfjsLayerEngine(model)), validation: new CountingEngine(new TfjsLayerEngine(model)) };
    const sharedMemo = mode === 'memo' || mode === 'shared' ? new MapMemo() : undefined;
    const sweepEvaluators: Partial<Record<CurveSplit, PrefixEvaluator<unknown>>> = {};
    const best: number[] = [];
    const started = performance.now();
    for (const [strategy, order] of orders) {
      const evaluators: Partial<Record<CurveSplit, PrefixEvaluator<unknown>>> = mode === 'shared' ? sweepEvaluators : {};
      const scorer = new MemoScorer({
        engine: engines.test.name,
        memo: sharedMemo ?? new MapMemo(),
        labels: config.labels,
        labelsOf: (split) => Promise.resolve(splits[split].labels),
        evaluator: (split) => {
          evaluators[split] ??= new PrefixEvaluator(engines[split], { batches: batches[split], numExamples: n, numLabels: 4 }, { reuse: mode !== 'plain' }) as PrefixEvaluator<unknown>;
          return Promise.resolve(evaluators[split]);
        },
      });
      const c = await buildCurve(scorer, { kind: 'sequential', strategy, source: strategy, dataset: 'synthetic', layers, order, selectOn: 'validation', parameters: (k) => model.parameterCount(k) });
      best.push(c.points[c.best.k]!.test.accuracy);
      if (mode !== 'shared') for (const ev of Object.values(evaluators)) ev.dispose();
    }
    for (const ev of Object.values(sweepEvaluators)) ev.dispose();
    const seconds = (performance.now() - started) / 1000;
    const passes = engines.test.counts.layers / batches.test.length + engines.validation.counts.layers / batches.validation.length;
    for (const e of Object.values(engines)) await e.dispose();
    return { passes, seconds, best };
  };

  const plain = await run('plain');
  const results = { 'per-curve': await run('per-curve'), memo: await run('memo'), shared: await run('shared') };
  console.log(`  plain      ${plain.passes.toFixed(0).padStart(4)} layer passes (${((plain.passes / naive) * 100).toFixed(0)}% of naive), ${plain.seconds.toFixed(2)} s`);
  for (const [mode, r] of Object.entries(results)) {
    if (r.best.join() !== plain.best.join()) throw new Error(`${mode}: best accuracies differ from plain evaluation`);
    const share = r.passes / naive;
    const verdict = mode === 'memo' ? ` (target <= ${TARGET * 100}%) ${share <= TARGET ? 'ok' : 'MISSED'}` : '';
    console.log(`  ${mode.padEnd(10)} ${r.passes.toFixed(0).padStart(4)} layer passes (${(share * 100).toFixed(0)}% of naive)${verdict}, ${r.seconds.toFixed(2)} s`);
  }
  console.log(`  same best accuracies in every mode; memo vs plain wall time ${(results.memo.seconds / plain.seconds).toFixed(2)}x (under contention on a shared machine)`);
  model.dispose();
}

await main();
