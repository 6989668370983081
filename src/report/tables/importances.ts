/**
 * Signal importances of the learned fusions: a summary across datasets (mean, standard error,
 * the Figure 6 marks) and the per-dataset values behind it.
 */
import { SIGNIFICANCE, type Importances } from '../importances.js';
import type { Column, Table } from '../table.js';

export function importancesTable(imp: Importances): Table {
  const columns: Column[] = [
    { key: 'fusion', label: 'Fusion', format: 'text' },
    { key: 'signal', label: 'Signal', format: 'text' },
    { key: 'datasets', label: 'Datasets', format: 'count' },
    { key: 'mean', label: 'Mean importance', format: 'fixed2', description: 'mean over datasets of the min-max scaled importance' },
    { key: 'se', label: 'SE', format: 'fixed2', description: 'standard error of the mean across datasets' },
    { key: 'p_positive', label: 'p (LR weight > 0)', format: 'p', description: 'one-sided Wilcoxon signed-rank test of the standardized LR coefficients across datasets' },
    { key: 'marked', label: 'Marked', format: 'mark', description: 'LR: weight significantly above 0; RF: mean importance above the median signal' },
  ];
  return {
    id: 'importances',
    title: 'Signal importances of the learned fusions',
    caption: `Linear regression: |standardized coefficient|; random forest: impurity importance; each min-max scaled to [0, 1] per fit, then averaged over datasets. Marked (*): LR weight significantly above 0 (one-sided Wilcoxon across datasets, p < ${SIGNIFICANCE}); RF importance above the median signal's.`,
    columns,
    rows: imp.rows.map((r) => ({
      values: { fusion: r.fusion, signal: r.signal, datasets: r.values.length, mean: r.mean, se: r.se, p_positive: r.positive?.p ?? null, marked: r.marked ? '*' : '' },
      bold: r.marked ? ['signal'] : [],
    })),
    notes: [
      ...(imp.rows.length === 0 ? ['No learned fusion (fuse/linear-regression, fuse/random-forest) was given.'] : []),
      ...(imp.skipped.length > 0 ? [`Not shown (their importances are the given weights or all equal): ${imp.skipped.join(', ')}.`] : []),
    ],
  };
}

export function importancesByDatasetTable(imp: Importances): Table {
  return {
    id: 'importances-by-dataset',
    title: 'Signal importances per dataset',
    caption: 'Each fit’s importances (min-max scaled to [0, 1]) and, for linear regression, the signed slope on the z-scored feature.',
    columns: [
      { key: 'dataset', label: 'Dataset', format: 'text' },
      { key: 'fusion', label: 'Fusion', format: 'text' },
      { key: 'signal', label: 'Signal', format: 'text' },
      { key: 'importance', label: 'Importance', format: 'fixed2' },
      { key: 'coefficient', label: 'LR coefficient', format: 'fixed2' },
    ],
    rows: imp.rows.flatMap((r) => r.values.map((v) => ({ values: { dataset: v.dataset, fusion: r.fusion, signal: r.signal, importance: v.importance, coefficient: v.coefficient } }))),
  };
}
