/**
 * Signal importances of the learned fusions (docs/method.md): |standardized LR coefficient| and RF
 * impurity importance, each min-max scaled to [0, 1] per fit (the fusion node already scales
 * them). Across datasets: the mean with its standard error, and the marks of the paper's
 * Figure 6: an LR weight significantly above 0 (one-sided Wilcoxon signed-rank test of the
 * signed standardized coefficients across datasets, alpha 0.05) and an RF importance above
 * the median signal's.
 */
import { ReportInputError } from './errors.js';
import type { FusionInput } from './input.js';
import { mean, median, standardError, wilcoxonSignedRank, type WilcoxonResult } from './stats.js';
import { SIGNAL_NAMES } from '../ml/signals/types.js';

/** Fusions whose importances the report shows: the two learned ones. */
export const LEARNED_FUSIONS = ['linear-regression', 'random-forest'] as const;

export const SIGNIFICANCE = 0.05;

export interface ImportanceRow {
  /** Fusion label: the strategy, with ` (cross)` for cross-fitted ones. */
  fusion: string;
  signal: string;
  /** Per dataset, in dataset order. */
  values: Array<{ dataset: string; importance: number; coefficient: number | null }>;
  mean: number;
  se: number | null;
  /** LR only, with two or more datasets: one-sided test that the coefficient is above 0. */
  positive: WilcoxonResult | null;
  /** The Figure 6 mark: LR weight significantly above 0, or RF importance above the median. */
  marked: boolean;
}

export interface Importances {
  fusions: string[];
  signals: string[];
  rows: ImportanceRow[];
  /** Fusion inputs not shown (weighted-sum, rank-mean: their importances are the user's weights or all equal). */
  skipped: string[];
}

export function fusionLabel(f: FusionInput): string {
  return f.scores.fit === 'cross' ? `${f.scores.strategy} (cross)` : f.scores.strategy;
}

export function importances(fusions: readonly FusionInput[], datasetOrder: readonly string[]): Importances {
  const learned = fusions.filter((f) => (LEARNED_FUSIONS as readonly string[]).includes(f.scores.strategy) && f.scores.importances);
  const skipped = fusions.filter((f) => !learned.includes(f)).map((f) => `${f.scores.strategy} on ${f.dataset}${f.source ? ` (${f.source})` : ''}`);
  const byKey = new Map<string, FusionInput>();
  for (const f of learned) {
    const key = `${fusionLabel(f)}\u0000${f.dataset}`;
    const dup = byKey.get(key);
    if (dup) throw new ReportInputError(`two ${fusionLabel(f)} fusions on dataset ${JSON.stringify(f.dataset)} (from ${dup.source ?? '?'} and ${f.source ?? '?'}); give one per dataset`);
    byKey.set(key, f);
  }
  const labels = [...new Set(learned.map(fusionLabel))].sort((a, b) => {
    const order = (l: string): number => LEARNED_FUSIONS.findIndex((s) => l.startsWith(s)) * 2 + (l.endsWith('(cross)') ? 1 : 0);
    return order(a) - order(b);
  });
  const names = new Set(learned.flatMap((f) => Object.keys(f.scores.importances ?? {})));
  const known = (SIGNAL_NAMES as readonly string[]).filter((s) => names.has(s));
  const signals = [...known, ...[...names].filter((s) => !known.includes(s)).sort()];
  const datasets = [...datasetOrder, ...[...new Set(learned.map((f) => f.dataset))].filter((d) => !datasetOrder.includes(d))];
  const rows: ImportanceRow[] = [];
  for (const fusion of labels) {
    const part: ImportanceRow[] = [];
    for (const signal of signals) {
      const values = datasets.flatMap((dataset) => {
        const f = byKey.get(`${fusion}\u0000${dataset}`);
        const v = f?.scores.importances?.[signal];
        return v === undefined ? [] : [{ dataset, importance: v, coefficient: f?.scores.coefficients?.[signal] ?? null }];
      });
      if (values.length === 0) continue;
      const coefs = values.flatMap((v) => (v.coefficient === null ? [] : [v.coefficient]));
      const positive = fusion.startsWith('linear-regression') && coefs.length >= 2 ? wilcoxonSignedRank(coefs, 'greater') : null;
      const imp = values.map((v) => v.importance);
      part.push({ fusion, signal, values, mean: mean(imp), se: standardError(imp), positive, marked: positive !== null && positive.p < SIGNIFICANCE });
    }
    if (fusion.startsWith('random-forest')) {
      const mid = median(part.map((r) => r.mean));
      for (const r of part) r.marked = r.mean > mid;
    }
    rows.push(...part);
  }
  return { fusions: labels, signals, rows, skipped };
}
