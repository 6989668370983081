/**
 * Figure: signal importances of the learned fusions, one panel per fusion (LR, RF), signals
 * sorted by their mean importance over both, the mean as a bar in the signal's colour, each
 * dataset as a dot, and the Figure 6 marks (*) beside the bar.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis.js';
import type { Importances } from '../importances.js';
import { mean } from '../stats.js';
import { makeRow, rowStyles } from '../strategies.js';
import type { Figure } from './figure.js';
import { config, ROW_STEP } from './theme.js';

const PRETTY: Record<string, string> = {
  'linear-regression': 'Linear regression (|standardized coefficient|)',
  'random-forest': 'Random forest (impurity importance)',
  'linear-regression (cross)': 'Linear regression, cross-fitted',
  'random-forest (cross)': 'Random forest, cross-fitted',
};

export function importancesFigure(a: Analysis, imp: Importances): Figure | null {
  if (imp.rows.length === 0) return null;
  const overall = new Map(imp.signals.map((s) => [s, mean(imp.rows.filter((r) => r.signal === s).map((r) => r.mean))]));
  const order = [...imp.signals].sort((x, y) => (overall.get(y) as number) - (overall.get(x) as number));
  const styles = rowStyles(imp.signals.map((s) => makeRow(s, 'sequential')));
  const values = [
    ...imp.rows.map((r) => ({ kind: 'bar', fusion: PRETTY[r.fusion] ?? r.fusion, signal: r.signal, value: r.mean, mark: r.marked ? '*' : '' })),
    ...imp.rows.flatMap((r) => r.values.map((v) => ({ kind: 'dot', fusion: PRETTY[r.fusion] ?? r.fusion, signal: r.signal, dataset: v.dataset, value: v.importance }))),
  ];
  const datasets = a.datasets.map((d) => d.name).filter((d) => imp.rows.some((r) => r.values.some((v) => v.dataset === d)));
  const band = ROW_STEP * 0.78;
  const n = datasets.length;
  // One-sided exact Wilcoxon: the smallest p is 1/2^n, so below 5 datasets no LR weight can be marked.
  const lrNote = imp.fusions.some((f) => f.startsWith('linear-regression')) && 2 ** -n >= 0.05 ? ` (with ${n} dataset${n === 1 ? '' : 's'} no LR weight can reach p < 0.05)` : '';
  const y = { field: 'signal', type: 'nominal' as const, sort: order, title: null, scale: { type: 'band', paddingInner: 0.22, paddingOuter: 0.11 }, axis: { labelLimit: 220 } };
  const x = { field: 'value', type: 'quantitative' as const, title: 'Importance (min-max scaled per fit)', scale: { domain: [0, 1.1], nice: false }, axis: { values: [0, 0.25, 0.5, 0.75, 1], format: '.2~f' } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Signal importances of the learned fusions',
      subtitle: [
        'Bar: mean over datasets; dots: datasets; *: LR weight significantly above 0 (one-sided Wilcoxon across datasets, p < 0.05)',
        `or RF importance above the median signal${lrNote}`,
      ],
    },
    data: { values },
    facet: { field: 'fusion', type: 'nominal', title: null, sort: imp.fusions.map((f) => PRETTY[f] ?? f) },
    columns: 2,
    spec: {
      width: 300,
      height: { step: ROW_STEP, for: 'position' },
      encoding: { y },
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bar'" }],
          mark: { type: 'bar', opacity: 0.9 },
          encoding: {
            x,
            color: { field: 'signal', type: 'nominal', legend: null, scale: { domain: imp.signals, range: imp.signals.map((s) => styles.get(s)?.color ?? '#888') } },
            tooltip: [{ field: 'signal' }, { field: 'value', title: 'mean importance', format: '.2f' }],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'dot'" }],
          mark: { type: 'point', filled: true, size: 38, opacity: 0.85, stroke: 'white', strokeWidth: 0.6 },
          encoding: {
            x,
            yOffset: { field: 'dataset', type: 'nominal', sort: datasets, scale: { type: 'point', range: [band * 0.2, band * 0.8] } },
            shape: { field: 'dataset', type: 'nominal', title: 'Dataset', sort: datasets },
            color: { value: '#2b2b2b' },
            tooltip: [{ field: 'signal' }, { field: 'dataset' }, { field: 'value', title: 'importance', format: '.2f' }],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bar' && datum.mark !== ''" }],
          // In a column of its own right of 1, clear of the bars and the dots.
          mark: { type: 'text', align: 'center', baseline: 'middle', dy: 3, fontSize: 15, fontWeight: 'bold', color: '#111' },
          encoding: { x: { datum: 1.05, type: 'quantitative' }, y: { ...y, bandPosition: 0.5 }, text: { field: 'mark' } },
        },
      ],
    },
    resolve: { axis: { y: 'independent' } },
    config,
  } as unknown as TopLevelSpec;
  return {
    id: 'importances',
    title: 'Signal importances',
    caption: 'Importance of each signal in the linear-regression and random-forest fusions (min-max scaled per fit), mean over datasets with each dataset as a dot; * marks the signals the paper’s Figure 6 marks.',
    spec,
  };
}
