/**
 * A pruning curve (docs/method.md): for a removal order pi_1..pi_L of a model's layers, M_k = the
 * model without {pi_1..pi_k}, k = 0..L-1, each scored on test and validation; the best k >= 1
 * chosen by best-k.ts. Scoring goes through a SetScorer (memoized, prefix-reusing in practice),
 * so this file is only the bookkeeping of the curve format.
 */
import { InputError } from '../../artifacts/errors.js';
import { chooseBest } from './best-k.js';
import { CURVE_FORMAT, type CurveKind, type CurveManifest, type CurvePoint, type SplitScore } from './formats.js';

export type CurveSplit = 'test' | 'validation';

/** Scores kept-layer sets (ascending original indices) on a split, in the order given. */
export interface SetScorer {
  /** Engine (and backend) that computes the scores, as recorded in the curve. */
  readonly engine: string;
  score(split: CurveSplit, sets: ReadonlyArray<readonly number[]>): Promise<SplitScore[]>;
}

export interface CurveStep {
  k: number;
  removed: number[];
  kept: number[];
}

export class CurveInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'CurveInputError';
  }
}

/** Check that `order` is a permutation of `layers` (both original indices). */
export function checkOrder(layers: readonly number[], order: readonly number[]): void {
  const held = new Set(layers);
  const seen = new Set<number>();
  for (const l of order) {
    if (!held.has(l)) throw new CurveInputError(`the order names layer ${l}, which the model does not hold (its layers: [${layers.join(', ')}])`);
    if (seen.has(l)) throw new CurveInputError(`the order names layer ${l} twice: [${order.join(', ')}]`);
    seen.add(l);
  }
  const missing = layers.filter((l) => !seen.has(l));
  if (missing.length) throw new CurveInputError(`the order [${order.join(', ')}] leaves out layer${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the model (an order must rank every layer)`);
}

/** M_0..M_{L-1} of an order: removed in removal order, kept ascending. */
export function curveSteps(layers: readonly number[], order: readonly number[]): CurveStep[] {
  checkOrder(layers, order);
  if (layers.length < 2) throw new CurveInputError(`a pruning curve needs at least 2 layers, the model has ${layers.length}`);
  const sorted = [...layers].sort((a, b) => a - b);
  const steps: CurveStep[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const removed = order.slice(0, k);
    const gone = new Set(removed);
    steps.push({ k, removed: [...removed], kept: sorted.filter((l) => !gone.has(l)) });
  }
  return steps;
}

export interface CurveOptions {
  kind: CurveKind;
  strategy: string;
  source: string;
  dataset: string;
  layers: readonly number[];
  order: readonly number[];
  selectOn: CurveSplit;
  maxDrop?: number;
  /** Exact parameter count of the model with these kept layers. */
  parameters: (kept: readonly number[]) => number;
}

/** Score every M_k on both splits and choose the best k. */
export async function buildCurve(scorer: SetScorer, o: CurveOptions): Promise<CurveManifest> {
  const steps = curveSteps(o.layers, o.order);
  const sets = steps.map((s) => s.kept);
  // select_on first: its split is the one a greedy or iterative run has already scored.
  const other: CurveSplit = o.selectOn === 'validation' ? 'test' : 'validation';
  const first = await scorer.score(o.selectOn, sets);
  const second = await scorer.score(other, sets);
  const bySplit = { [o.selectOn]: first, [other]: second } as Record<CurveSplit, SplitScore[]>;
  const points: CurvePoint[] = steps.map((s, i) => ({
    k: s.k,
    removed: s.removed,
    kept: s.kept,
    test: bySplit.test[i]!,
    validation: bySplit.validation[i]!,
    parameters: o.parameters(s.kept),
  }));
  const best = chooseBest(points.map((p) => p[o.selectOn].accuracy), o.maxDrop);
  const chosen = points[best.k]!;
  return {
    format: CURVE_FORMAT,
    kind: o.kind,
    strategy: o.strategy,
    source: o.source,
    dataset: o.dataset,
    layers: [...o.layers].sort((a, b) => a - b),
    order: [...o.order],
    select_on: o.selectOn,
    ...(o.maxDrop !== undefined ? { max_drop: o.maxDrop } : {}),
    points,
    best: { k: best.k, kept: chosen.kept, removed: chosen.removed, rule: best.rule },
    engine: scorer.engine,
  };
}
