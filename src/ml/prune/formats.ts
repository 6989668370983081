/**
 * The JSON artifacts of the method's second half: pruning curves (prune/sequential,
 * prune/iterative, prune/greedy) and distillation results (model/distill). Producers are the
 * prune and distill nodes; consumers are report/paper and `layerfuse show`. Backend-free types
 * only, so planning and reports never load a tensor backend.
 *
 * Layer numbering: original 0-based encoder indices throughout (docs/method.md).
 */
import { InputError } from '../../artifacts/errors.js';

export const CURVE_FORMAT = 'layerfuse/curve@1';
export const DISTILLATION_FORMAT = 'layerfuse/distillation@1';

/** Accuracy and macro-F1 of one model on one split. */
export interface SplitScore {
  accuracy: number;
  macro_f1: number;
  examples: number;
}

/** One model of a curve: the unpruned model at k = 0, then one more layer removed per point. */
export interface CurvePoint {
  /** Layers removed so far. */
  k: number;
  /** Removed layers in removal order (length k). */
  removed: number[];
  /** Kept layers, ascending. */
  kept: number[];
  test: SplitScore;
  validation: SplitScore;
  /** Exact parameter count of this model (embeddings, kept layers, pooler, classifier). */
  parameters: number;
}

export type CurveKind = 'sequential' | 'iterative' | 'greedy';

export interface CurveManifest {
  format: typeof CURVE_FORMAT;
  kind: CurveKind;
  /** The order's strategy (`weight-entropy`, `random-forest`, `random`, `greedy`, ...). */
  strategy: string;
  /** The producing node id of the order (or of the curve for greedy/iterative), for tables. */
  source: string;
  /** The dataset's display name (dataset manifest `name`). */
  dataset: string;
  /** Layers of the unpruned model (original indices, ascending). */
  layers: number[];
  /** The removal order used (for iterative/greedy: as it was decided, step by step). */
  order: number[];
  select_on: 'validation' | 'test';
  /** Largest allowed accuracy drop from the unpruned model on `select_on`, if given. */
  max_drop?: number;
  /** k = 0..L-1. */
  points: CurvePoint[];
  /**
   * The chosen model: argmax over k >= 1 on select_on, ties to the larger k; with max_drop, the
   * largest k >= 1 within max_drop of the unpruned model (src/ml/prune/best-k.ts). `rule` says
   * which applied; `max-drop-unmet`: no k met max_drop, so the argmax rule chose.
   */
  best: { k: number; kept: number[]; removed: number[]; rule: 'argmax' | 'max-drop' | 'max-drop-unmet' };
  /** Engine and backend that ran the evaluations. */
  engine: string;
}

/** Metrics of one model in a distillation result. */
export interface DistilledModelScore {
  layers: number[];
  parameters: number;
  test: SplitScore;
  validation: SplitScore;
}

export interface DistillationManifest {
  format: typeof DISTILLATION_FORMAT;
  dataset: string;
  /** Strategy of the student's curve, when the student came from one (else null). */
  strategy: string | null;
  teacher: DistilledModelScore;
  /** The student as given, before any training. */
  student: DistilledModelScore;
  /** After distillation (soft targets at `temperature`, mixed with hard labels by `alpha`). */
  distilled: DistilledModelScore;
  /** With `control: true`: the same student trained the same steps on hard labels alone. */
  control: DistilledModelScore | null;
  params: { temperature: number; alpha: number; epochs: number; lr: number; batch_size: number; warmup: number; seed: number };
}

/** Check that a value is a curve manifest; `what` starts the error (e.g. the input port). */
export function asCurveManifest(value: unknown, what = 'curve'): CurveManifest {
  const m = value as Partial<CurveManifest> | null;
  if (!m || m.format !== CURVE_FORMAT || !Array.isArray(m.points) || !m.best) throw new InputError(`${what}: not a ${CURVE_FORMAT} manifest`);
  return m as CurveManifest;
}

export function asDistillationManifest(value: unknown, what = 'distillation'): DistillationManifest {
  const m = value as Partial<DistillationManifest> | null;
  if (!m || m.format !== DISTILLATION_FORMAT || !m.teacher || !m.distilled) throw new InputError(`${what}: not a ${DISTILLATION_FORMAT} manifest`);
  return m as DistillationManifest;
}
