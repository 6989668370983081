/**
 * Every Wilcoxon signed-rank test of the report as one table, with n and the note on what n
 * allows.
 */
import { ALPHA, type Comparisons } from '../comparisons.js';
import type { Column, Table } from '../table.js';

const columns: Column[] = [
  { key: 'family', label: 'Family', format: 'text' },
  { key: 'a', label: 'A', format: 'text' },
  { key: 'b', label: 'B', format: 'text' },
  { key: 'measure', label: 'Measure', format: 'text', description: 'accuracy: A − B in accuracy (fraction); % change: A’s % change against the unpruned model' },
  { key: 'n', label: 'n', format: 'count', description: 'datasets where both sides exist' },
  { key: 'nonzero', label: 'Non-zero', format: 'count', description: 'pairs left after dropping zero differences' },
  { key: 'mean_difference', label: 'Mean A − B', format: 'signed', description: 'accuracy in percentage points, or % change' },
  { key: 'median_difference', label: 'Median A − B', format: 'signed' },
  { key: 'w_plus', label: 'W+', format: 'rank', description: 'sum of the ranks of |d| over positive differences' },
  { key: 'p', label: 'p', format: 'p', description: 'two-sided' },
  { key: 'method', label: 'Method', format: 'text', description: 'exact: signed-rank distribution; normal: approximation with tie and continuity corrections' },
  { key: 'p_holm', label: 'p (Holm)', format: 'p', description: 'Holm-adjusted within the family' },
  { key: 'min_p', label: 'Min. p', format: 'p', description: 'the smallest p an exact test with this many non-zero pairs can give' },
];

export function wilcoxonTable(c: Comparisons): Table {
  // Differences of accuracies are shown in percentage points; % changes are already percent.
  const scale = (v: number, measure: string): number => (measure === 'accuracy' ? 100 * v : v);
  return {
    id: 'wilcoxon',
    title: 'Wilcoxon signed-rank tests across datasets',
    caption: `Paired over datasets, two-sided, zero differences dropped; exact distribution unless the non-zero |differences| tie (then the normal approximation with tie and continuity corrections). p < ${ALPHA} in bold (Holm-adjusted within each family in its own column). ${c.note}`,
    columns,
    rows: c.rows.map((r) => ({
      values: {
        family: r.family,
        a: r.a,
        b: r.b,
        measure: r.measure,
        n: r.datasets.length,
        nonzero: r.test?.nonZero ?? null,
        mean_difference: scale(r.meanDifference, r.measure),
        median_difference: scale(r.medianDifference, r.measure),
        w_plus: r.test?.statistic ?? null,
        p: r.test?.p ?? null,
        method: r.test?.method ?? 'n/a (fewer than 2 datasets pair up)',
        p_holm: r.pHolm,
        min_p: r.test?.minP ?? null,
      },
      bold: r.test && r.test.p < ALPHA ? ['p'] : [],
    })),
    notes: c.applicable ? [] : ['Not applicable: statistics across datasets need at least two datasets.'],
  };
}
