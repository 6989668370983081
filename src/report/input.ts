/**
 * What a report is built from, and the checks that turn a malformed artifact into a message
 * naming it (its source node and dataset) instead of a NaN in a table.
 */
import { CURVE_FORMAT, DISTILLATION_FORMAT, type CurveManifest, type CurvePoint, type DistillationManifest, type DistilledModelScore, type SplitScore } from '../ml/prune/formats.js';
import { ReportInputError } from './errors.js';

/**
 * The fields of a fusion's `scores` artifact (src/nodes/score.ts ScoresManifest) the report
 * reads; a ScoresManifest is assignable to it. Declared here because report/ does not import
 * node code.
 */
export interface FusionManifest {
  /** `linear-regression`, `random-forest`, `weighted-sum` or `rank-mean`. */
  strategy: string;
  /** Per signal, in [0, 1]: |standardized coefficient| (LR) or impurity importance (RF), min-max scaled. */
  importances?: Record<string, number>;
  /** Linear regression only: slopes on the z-scored features (so standardized in-sample). */
  coefficients?: Record<string, number>;
  fit?: 'in-sample' | 'cross';
}

export interface FusionInput {
  /** The dataset's display name, as the curves give it. */
  dataset: string;
  /** The producing node id, for messages. */
  source?: string;
  scores: FusionManifest;
}

/** A model/evaluate result given to the report: listed as is, and checked against the curves where it can be. */
export interface EvaluationInput {
  /** The producing node id. */
  source: string;
  split: string;
  /** Kept layers evaluated (original indices). */
  layers: number[];
  accuracy: number;
  macro_f1: number;
  examples: number;
  backend?: string;
}

export interface PipelineInfo {
  name: string;
  /** The pipeline's params as resolved for this run (defaults and --set applied). */
  params: Record<string, unknown>;
  /** Input artifact (`node.port`) -> its cache key or content digest: what the report was built from. */
  keys: Record<string, string>;
}

export interface ReportInput {
  pipeline: PipelineInfo;
  /** One per strategy and dataset (prune/sequential, prune/iterative, prune/greedy). */
  curves: CurveManifest[];
  distillations: DistillationManifest[];
  /** Learned fusions, for their signal importances (others are listed but not plotted). */
  fusions: FusionInput[];
  /** Extra evaluations (e.g. of the unpruned model), listed in their own table; absent: none. */
  evaluations?: EvaluationInput[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkScore(s: SplitScore | undefined, where: string): void {
  if (!s || !isNum(s.accuracy) || s.accuracy < 0 || s.accuracy > 1) {
    throw new ReportInputError(`${where}: accuracy must be a number in [0, 1], got ${JSON.stringify(s?.accuracy)}`);
  }
}

function checkLayers(v: unknown, where: string): void {
  if (!Array.isArray(v) || !v.every((l) => Number.isInteger(l) && l >= 0)) throw new ReportInputError(`${where}: must be a list of layer indices, got ${JSON.stringify(v)}`);
}

function checkPoint(p: CurvePoint, k: number, where: string): void {
  const at = `${where}, point k=${k}`;
  if (p.k !== k) throw new ReportInputError(`${where}: points must be k = 0, 1, ... in order; point ${k} has k=${JSON.stringify(p.k)}`);
  checkLayers(p.removed, `${at}: removed`);
  checkLayers(p.kept, `${at}: kept`);
  if (p.removed.length !== k) throw new ReportInputError(`${at}: ${p.removed.length} removed layers`);
  checkScore(p.test, `${at}: test`);
  checkScore(p.validation, `${at}: validation`);
  if (!isNum(p.parameters) || p.parameters <= 0) throw new ReportInputError(`${at}: parameters must be a positive number, got ${JSON.stringify(p.parameters)}`);
}

export function curveName(c: Pick<CurveManifest, 'source' | 'dataset' | 'strategy'>): string {
  return `curve of ${JSON.stringify(c.strategy)} on ${JSON.stringify(c.dataset)} (from ${c.source})`;
}

/** Check one curve's shape; throws ReportInputError naming it. */
export function checkCurve(c: CurveManifest, index: number): void {
  if (!c || typeof c !== 'object' || c.format !== CURVE_FORMAT) {
    throw new ReportInputError(`curve ${index + 1}: not a ${CURVE_FORMAT} manifest (format ${JSON.stringify((c as { format?: unknown } | null)?.format)})`);
  }
  if (typeof c.strategy !== 'string' || c.strategy === '') throw new ReportInputError(`curve ${index + 1} (from ${c.source}): no strategy name`);
  if (typeof c.dataset !== 'string' || c.dataset === '') throw new ReportInputError(`curve ${index + 1} (from ${c.source}): no dataset name`);
  const where = curveName(c);
  checkLayers(c.layers, `${where}: layers`);
  checkLayers(c.order, `${where}: order`);
  if (new Set(c.order).size !== c.order.length || !c.order.every((l) => c.layers.includes(l))) {
    throw new ReportInputError(`${where}: order ${JSON.stringify(c.order)} is not a list of distinct layers of ${JSON.stringify(c.layers)}`);
  }
  if (!Array.isArray(c.points) || c.points.length < 2) throw new ReportInputError(`${where}: needs the unpruned point and at least one pruned point, got ${c.points?.length ?? 0}`);
  c.points.forEach((p, k) => checkPoint(p, k, where));
  const best = c.best;
  if (!best || !Number.isInteger(best.k) || best.k < 1 || best.k >= c.points.length) {
    throw new ReportInputError(`${where}: best.k must be a pruned point (1..${c.points.length - 1}), got ${JSON.stringify(best?.k)}`);
  }
  if (c.select_on !== 'validation' && c.select_on !== 'test') throw new ReportInputError(`${where}: select_on must be validation or test, got ${JSON.stringify(c.select_on)}`);
}

function checkModel(m: DistilledModelScore | null | undefined, where: string): void {
  if (!m) throw new ReportInputError(`${where}: missing`);
  checkLayers(m.layers, `${where}: layers`);
  checkScore(m.test, `${where}: test`);
  checkScore(m.validation, `${where}: validation`);
  if (!isNum(m.parameters) || m.parameters <= 0) throw new ReportInputError(`${where}: parameters must be a positive number`);
}

export function distillationName(d: Pick<DistillationManifest, 'dataset' | 'strategy'>): string {
  return `distillation on ${JSON.stringify(d.dataset)} (student: ${d.strategy ?? 'not from a curve'})`;
}

export function checkDistillation(d: DistillationManifest, index: number): void {
  if (!d || typeof d !== 'object' || d.format !== DISTILLATION_FORMAT) {
    throw new ReportInputError(`distillation ${index + 1}: not a ${DISTILLATION_FORMAT} manifest`);
  }
  if (typeof d.dataset !== 'string' || d.dataset === '') throw new ReportInputError(`distillation ${index + 1}: no dataset name`);
  const where = distillationName(d);
  checkModel(d.teacher, `${where}: teacher`);
  checkModel(d.student, `${where}: student`);
  checkModel(d.distilled, `${where}: distilled`);
  if (d.control !== null) checkModel(d.control, `${where}: control`);
}

export function checkFusion(f: FusionInput, index: number): void {
  const where = `fusion ${index + 1}${f.source ? ` (from ${f.source})` : ''}`;
  if (typeof f.dataset !== 'string' || f.dataset === '') throw new ReportInputError(`${where}: no dataset name`);
  if (!f.scores || typeof f.scores.strategy !== 'string') throw new ReportInputError(`${where}: not a scores manifest with a strategy`);
  for (const [name, table] of [['importances', f.scores.importances], ['coefficients', f.scores.coefficients]] as const) {
    if (table === undefined) continue;
    for (const [signal, v] of Object.entries(table)) {
      if (!isNum(v)) throw new ReportInputError(`${where}: ${name} of ${signal} is ${JSON.stringify(v)}`);
    }
  }
}

export function checkEvaluation(e: EvaluationInput, index: number): void {
  const where = `evaluation ${index + 1} (from ${e.source})`;
  checkLayers(e.layers, `${where}: layers`);
  checkScore({ accuracy: e.accuracy, macro_f1: e.macro_f1, examples: e.examples }, where);
}

/** Check everything up front, so that building the report never meets a malformed value. */
export function checkInput(input: ReportInput): void {
  if (!input.pipeline || typeof input.pipeline.name !== 'string') throw new ReportInputError('report input: pipeline name missing');
  if (!Array.isArray(input.curves) || input.curves.length === 0) throw new ReportInputError('report input: no curves (give the curve outputs of prune/sequential, prune/iterative or prune/greedy nodes)');
  input.curves.forEach(checkCurve);
  input.distillations.forEach(checkDistillation);
  input.fusions.forEach(checkFusion);
  (input.evaluations ?? []).forEach(checkEvaluation);
}
