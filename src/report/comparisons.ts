/**
 * The Wilcoxon signed-rank tests across datasets that docs/method.md asks for, one family at a time
 * (Holm-adjusted within the family): every strategy against random, every strategy against
 * the unpruned model (% change against 0), each fusion against each single signal, and
 * distilled models against the unpruned model (and against their hard-label control).
 */
import { rowCells, type Analysis } from './analysis.js';
import type { DistillationRow } from './distillation.js';
import { holm, mean, median, minExactP, wilcoxonSignedRank, type WilcoxonResult } from './stats.js';

export type Family = 'vs random' | 'vs unpruned' | 'fusion vs signal' | 'distilled vs unpruned' | 'distilled vs control';

export interface Comparison {
  family: Family;
  /** `a - b` is the difference tested. */
  a: string;
  b: string;
  /** What the difference is measured in. */
  measure: 'accuracy' | '% change';
  /** Datasets where both sides exist. */
  datasets: string[];
  differences: number[];
  meanDifference: number;
  medianDifference: number;
  /** Null when fewer than two datasets pair up. */
  test: WilcoxonResult | null;
  /** Holm-adjusted p within the family. */
  pHolm: number | null;
}

export interface Comparisons {
  /** Datasets in the report. */
  n: number;
  /** Null when n < 2: nothing across datasets can be tested. */
  applicable: boolean;
  /** Smallest two-sided p an exact test over all n datasets can give (2 / 2^n). */
  minP: number;
  /** A sentence for the reader about n (always present). */
  note: string;
  rows: Comparison[];
}

export const ALPHA = 0.05;

function paired(family: Family, a: string, b: string, measure: Comparison['measure'], pairs: Array<{ dataset: string; d: number }>): Comparison {
  const differences = pairs.map((p) => p.d);
  return {
    family,
    a,
    b,
    measure,
    datasets: pairs.map((p) => p.dataset),
    differences,
    meanDifference: mean(differences),
    medianDifference: median(differences),
    test: pairs.length >= 2 ? wilcoxonSignedRank(differences) : null,
    pHolm: null,
  };
}

export function significanceNote(n: number): string {
  if (n < 2) return `n = ${n} dataset: tests across datasets are not applicable (they need at least 2 datasets, and 6 to reach p < ${ALPHA}).`;
  const minP = minExactP(n);
  if (minP >= ALPHA) {
    return `n = ${n} datasets: the smallest two-sided p an exact Wilcoxon test can give is 2/2^${n} = ${minP.toPrecision(3)}, so no result can reach significance at ${ALPHA} (that needs at least 6 datasets).`;
  }
  return `n = ${n} datasets: the smallest attainable two-sided p is 2/2^${n} = ${minP.toPrecision(3)}; tests with fewer non-zero pairs (or with ties) can reach less.`;
}

export function compare(a: Analysis, distillations: readonly DistillationRow[]): Comparisons {
  const n = a.datasets.length;
  const base = { n, applicable: n >= 2, minP: minExactP(n), note: significanceNote(n) };
  if (n < 2) return { ...base, rows: [] };
  const rows: Comparison[] = [];
  const accuracyOf = (row: string): Map<string, number> => new Map(rowCells(a, row).map((c) => [c.dataset, c.accuracy]));
  const pairsOf = (x: Map<string, number>, y: Map<string, number>): Array<{ dataset: string; d: number }> =>
    a.datasets.flatMap((ds) => (x.has(ds.name) && y.has(ds.name) ? [{ dataset: ds.name, d: (x.get(ds.name) as number) - (y.get(ds.name) as number) }] : []));

  const random = a.rows.find((r) => r.strategy === 'random' && r.kind === 'sequential');
  if (random) {
    const r = accuracyOf(random.id);
    for (const row of a.rows) if (row !== random) rows.push(paired('vs random', row.id, random.id, 'accuracy', pairsOf(accuracyOf(row.id), r)));
  }
  for (const row of a.rows) {
    const pairs = rowCells(a, row.id).map((c) => ({ dataset: c.dataset, d: c.change }));
    rows.push(paired('vs unpruned', row.id, 'unpruned', '% change', pairs));
  }
  const fusions = a.rows.filter((r) => r.family === 'fusion');
  const signals = a.rows.filter((r) => r.family === 'signal' && r.kind === 'sequential');
  for (const f of fusions) for (const s of signals) rows.push(paired('fusion vs signal', f.id, s.id, 'accuracy', pairsOf(accuracyOf(f.id), accuracyOf(s.id))));

  const students = [...new Set(distillations.map((d) => d.strategy))];
  for (const st of students) {
    const ds = distillations.filter((d) => d.strategy === st);
    rows.push(paired('distilled vs unpruned', `distilled (${st})`, 'unpruned', '% change', ds.map((d) => ({ dataset: d.dataset, d: d.changeVsUnpruned }))));
    const withControl = ds.filter((d) => d.teacherEffect !== null);
    if (withControl.length > 0) {
      rows.push(paired('distilled vs control', `distilled (${st})`, `control (${st})`, 'accuracy', withControl.map((d) => ({ dataset: d.dataset, d: d.teacherEffect as number }))));
    }
  }
  // Holm within each family, over the tests that ran.
  for (const fam of new Set(rows.map((r) => r.family))) {
    const tested = rows.filter((r) => r.family === fam && r.test !== null);
    const adj = holm(tested.map((r) => (r.test as WilcoxonResult).p));
    tested.forEach((r, i) => (r.pHolm = adj[i] as number));
  }
  return { ...base, rows };
}
