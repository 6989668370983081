/**
 * Figure: test accuracy against layers removed, one panel per dataset, one line per strategy,
 * the unpruned model as a dashed rule, the chosen model of each strategy as a dot.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis.js';
import type { Figure } from './figure.js';
import { config, dashScale, strategyScale, widthScale } from './theme.js';

export function curvesFigure(a: Analysis): Figure {
  const values: Array<Record<string, unknown>> = [];
  for (const d of a.datasets) values.push({ series: 'unpruned', dataset: d.name, accuracy: 100 * d.unpruned.accuracy, label: `unpruned ${(100 * d.unpruned.accuracy).toFixed(2)}%` });
  for (const r of a.rows) {
    for (const d of a.datasets) {
      const c = a.cells.get(r.id)?.get(d.name);
      if (!c) continue;
      for (const p of c.curve.points) {
        values.push({ series: 'curve', dataset: d.name, strategy: r.id, k: p.k, accuracy: 100 * p.test.accuracy, chosen: p.k === c.k, kept: p.kept.join(' ') });
      }
    }
  }
  const fusions = a.rows.filter((r) => r.family === 'fusion').map((r) => r.id);
  const maxK = Math.max(...a.curves.map((c) => c.points.length - 1));
  const columns = Math.min(3, a.datasets.length);
  // Fewer panels get more room: one dataset's twenty lines need more than a third of a row.
  const [width, height] = a.datasets.length === 1 ? [480, 340] : a.datasets.length === 2 ? [380, 280] : [290, 230];
  const strategy = { field: 'strategy', type: 'nominal' as const, title: 'Strategy', sort: a.rows.map((r) => r.id) };
  const x = { field: 'k', type: 'quantitative' as const, title: 'Layers removed', scale: { domain: [0, maxK], nice: false }, axis: { tickMinStep: 1, format: 'd', values: Array.from({ length: maxK + 1 }, (_, i) => i) } };
  const y = { field: 'accuracy', type: 'quantitative' as const, title: 'Test accuracy (%)', scale: { zero: false } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Test accuracy against layers removed', subtitle: 'One line per strategy (fusions heavier, baselines dotted, non-sequential schedules dashed); grey dashed: unpruned; dot: each strategy’s chosen model' },
    data: { values },
    facet: { field: 'dataset', type: 'nominal', title: null, sort: a.datasets.map((d) => d.name) },
    columns,
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width,
      height,
      layer: [
        {
          transform: [{ filter: "datum.series === 'unpruned'" }],
          mark: { type: 'rule', strokeDash: [6, 4], color: '#4d4d4d', strokeWidth: 1.4 },
          encoding: { y },
        },
        // Fusions in a layer of their own, drawn last, so that no other line hides them.
        ...[false, true].map((fusion) => ({
          transform: [{ filter: "datum.series === 'curve'" }, { filter: fusion ? { field: 'strategy', oneOf: fusions } : { not: { field: 'strategy', oneOf: fusions } } }],
          mark: { type: 'line', interpolate: 'linear', strokeCap: 'round' },
          encoding: {
            x,
            y,
            color: { ...strategy, scale: strategyScale(a), legend: { symbolType: 'stroke', symbolSize: 260, columns: 1 } },
            strokeDash: { ...strategy, scale: dashScale(a) },
            strokeWidth: { ...strategy, scale: { ...widthScale(a), type: 'ordinal' } },
          },
        })),
        {
          transform: [{ filter: "datum.series === 'curve' && datum.chosen" }],
          mark: { type: 'point', filled: true, size: 36, stroke: 'white', strokeWidth: 0.8, opacity: 1 },
          encoding: {
            x,
            y,
            color: { ...strategy, scale: strategyScale(a) },
            tooltip: [{ field: 'strategy' }, { field: 'k', title: 'layers removed' }, { field: 'accuracy', format: '.2f' }, { field: 'kept' }],
          },
        },
      ],
    },
    config,
  } as TopLevelSpec;
  return {
    id: 'accuracy-curves',
    title: 'Accuracy against layers removed',
    caption: 'Pruning curves on the test split: for each strategy, the accuracy of the model without its first k layers in removal order. The dashed line is the unpruned model; dots mark the model each strategy chose.',
    spec,
  };
}
