/**
 * The numbers every table and figure is drawn from: per dataset the unpruned model (the k = 0
 * point its curves share), per strategy and dataset the chosen pruned model with its accuracy,
 * rank, % change, size and accuracy-to-size ratio. Tables and figures only format these.
 */
import type { CurveManifest } from '../ml/prune/formats.js';
import { ReportInputError } from './errors.js';
import { checkInput, curveName, type PipelineInfo, type ReportInput } from './input.js';
import { accuracyToSize, sizeMB } from './size.js';
import { mean, ranksDescending } from './stats.js';
import { compareRows, makeRow, rowStyles, type Row, type RowStyle } from './strategies.js';

export interface UnprunedModel {
  accuracy: number;
  validation: number;
  parameters: number;
  layers: number[];
  ratio: number;
}

export interface DatasetInfo {
  name: string;
  unpruned: UnprunedModel;
}

/** One strategy's chosen model on one dataset. */
export interface Cell {
  dataset: string;
  row: string;
  curve: CurveManifest;
  /** Layers removed in the chosen model. */
  k: number;
  kept: number[];
  /** Test accuracy of the chosen model (the paper's "max accuracy"; max over k when select_on is test). */
  accuracy: number;
  validation: number;
  /** 100 * (accuracy - unpruned) / unpruned. */
  change: number;
  parameters: number;
  mb: number;
  /** Accuracy per GB of float32 weights, and its change against the unpruned model. */
  ratio: number;
  ratioChange: number;
  ratioChangePct: number;
  /** Rank among the strategies on this dataset: best accuracy = 1, ties averaged. */
  rank: number;
}

export interface Analysis {
  pipeline: PipelineInfo;
  /** In order of first appearance in the input. */
  datasets: DatasetInfo[];
  /** Canonical order (fusions, signals, baselines). */
  rows: Row[];
  styles: Map<string, RowStyle>;
  /** cells.get(row)?.get(dataset). */
  cells: Map<string, Map<string, Cell>>;
  meanRank: Map<string, number>;
  /** Distinct select_on values of the curves, and max_drop values where given. */
  selectOn: Array<'validation' | 'test'>;
  maxDrop: number[];
  curves: CurveManifest[];
  input: ReportInput;
  /** Things a reader should know that do not stop the report (shown in the HTML and report.json). */
  warnings: string[];
}

/** Percent change of `value` against `base`. */
export function percentChange(value: number, base: number): number {
  return (100 * (value - base)) / base;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] as number;
  for (const [v, c] of counts) if (c > (counts.get(best) ?? 0)) best = v;
  return best;
}

/**
 * The unpruned model of a dataset is the k = 0 point of its curves. Curves from different
 * models (other layers or sizes) cannot share a report row set: that is an error. Accuracies
 * that differ slightly (two engines, a different batch order) are a warning, and the most
 * common value is used.
 */
function unprunedOf(name: string, curves: CurveManifest[], warnings: string[]): UnprunedModel {
  const first = curves[0] as CurveManifest;
  const p0 = first.points[0];
  if (!p0) throw new ReportInputError(`${curveName(first)}: no k = 0 point`);
  for (const c of curves.slice(1)) {
    const q = c.points[0];
    if (!q || q.parameters !== p0.parameters || JSON.stringify(c.layers) !== JSON.stringify(first.layers)) {
      throw new ReportInputError(
        `dataset ${JSON.stringify(name)}: ${curveName(c)} starts from a different model than ${curveName(first)} ` +
          `(layers ${JSON.stringify(c.layers)} with ${q?.parameters} parameters vs ${JSON.stringify(first.layers)} with ${p0.parameters}); a report compares strategies on one model per dataset`,
      );
    }
  }
  const acc = curves.map((c) => (c.points[0] as { test: { accuracy: number } }).test.accuracy);
  const val = curves.map((c) => (c.points[0] as { validation: { accuracy: number } }).validation.accuracy);
  const accuracy = mostCommon(acc);
  if (acc.some((a) => a !== accuracy)) {
    const odd = curves.filter((_, i) => acc[i] !== accuracy).map((c) => `${c.source}: ${c.points[0]?.test.accuracy}`);
    warnings.push(`dataset ${name}: the unpruned model's test accuracy differs between curves (${odd.join(', ')}; used ${accuracy}, the most common value)`);
  }
  return { accuracy, validation: mostCommon(val), parameters: p0.parameters, layers: [...first.layers], ratio: accuracyToSize(accuracy, p0.parameters) };
}

export function analyse(input: ReportInput): Analysis {
  checkInput(input);
  const warnings: string[] = [];
  const byDataset = new Map<string, CurveManifest[]>();
  const rowsById = new Map<string, Row>();
  const seen = new Map<string, CurveManifest>();
  for (const c of input.curves) {
    const row = makeRow(c.strategy, c.kind);
    const key = `${row.id}\u0000${c.dataset}`;
    const dup = seen.get(key);
    if (dup) {
      throw new ReportInputError(
        `two curves for strategy ${JSON.stringify(row.id)} on dataset ${JSON.stringify(c.dataset)} (from ${dup.source} and ${c.source}); a report has one curve per strategy and dataset`,
      );
    }
    seen.set(key, c);
    rowsById.set(row.id, row);
    const list = byDataset.get(c.dataset) ?? [];
    list.push(c);
    byDataset.set(c.dataset, list);
  }
  const datasets: DatasetInfo[] = [...byDataset].map(([name, curves]) => ({ name, unpruned: unprunedOf(name, curves, warnings) }));
  const rows = [...rowsById.values()].sort(compareRows);
  const cells = new Map<string, Map<string, Cell>>(rows.map((r) => [r.id, new Map()]));

  for (const ds of datasets) {
    const curves = byDataset.get(ds.name) as CurveManifest[];
    const chosen = curves.map((c) => c.points[c.best.k] as CurveManifest['points'][number]);
    const ranks = ranksDescending(chosen.map((p) => p.test.accuracy));
    curves.forEach((c, i) => {
      const p = chosen[i] as CurveManifest['points'][number];
      const ratio = accuracyToSize(p.test.accuracy, p.parameters);
      const row = makeRow(c.strategy, c.kind).id;
      cells.get(row)?.set(ds.name, {
        dataset: ds.name,
        row,
        curve: c,
        k: c.best.k,
        kept: [...p.kept],
        accuracy: p.test.accuracy,
        validation: p.validation.accuracy,
        change: percentChange(p.test.accuracy, ds.unpruned.accuracy),
        parameters: p.parameters,
        mb: sizeMB(p.parameters),
        ratio,
        ratioChange: ratio - ds.unpruned.ratio,
        ratioChangePct: percentChange(ratio, ds.unpruned.ratio),
        rank: ranks[i] as number,
      });
    });
  }
  const meanRank = new Map(rows.map((r) => [r.id, mean([...(cells.get(r.id)?.values() ?? [])].map((c) => c.rank))]));
  const missing = rows.flatMap((r) => datasets.filter((d) => !cells.get(r.id)?.has(d.name)).map((d) => `${r.id} on ${d.name}`));
  if (missing.length > 0) {
    warnings.push(`no curve for ${missing.join(', ')}: ranks and means of those strategies cover fewer datasets, and tests pair only the datasets both sides have`);
  }
  const selectOn = [...new Set(input.curves.map((c) => c.select_on))].sort();
  const maxDrop = [...new Set(input.curves.flatMap((c) => (c.max_drop === undefined ? [] : [c.max_drop])))].sort((a, b) => a - b);
  return { pipeline: input.pipeline, datasets, rows, styles: rowStyles(rows), cells, meanRank, selectOn, maxDrop, curves: input.curves, input, warnings };
}

/** The cells of one row in dataset order (datasets without a curve of that row skipped). */
export function rowCells(a: Analysis, row: string): Cell[] {
  const m = a.cells.get(row);
  if (!m) return [];
  return a.datasets.flatMap((d) => {
    const c = m.get(d.name);
    return c ? [c] : [];
  });
}

/** Rows sorted by mean rank (best first; ties in canonical order). */
export function rowsByMeanRank(a: Analysis): Row[] {
  const idx = new Map(a.rows.map((r, i) => [r.id, i]));
  return [...a.rows].sort((x, y) => (a.meanRank.get(x.id) as number) - (a.meanRank.get(y.id) as number) || (idx.get(x.id) as number) - (idx.get(y.id) as number));
}
