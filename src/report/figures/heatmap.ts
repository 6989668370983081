/**
 * Figure: the layer-removal order, one heatmap per dataset: a row per strategy, a column per
 * layer, the step at which the layer is removed (1 = first) as colour and number, and the
 * layers the chosen model lacks outlined.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analysis.js';
import { removalSteps } from '../heatmap.js';
import type { Figure } from './figure.js';
import { config } from './theme.js';

/** File-name-safe slug of a dataset name; `taken` keeps slugs unique within a report. */
export function slug(name: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset';
  let s = base;
  for (let i = 2; taken.has(s); i++) s = `${base}-${i}`;
  taken.add(s);
  return s;
}

export function heatmapFigures(a: Analysis): Figure[] {
  const taken = new Set<string>();
  return a.datasets.map((d) => {
    const rows = a.rows.filter((r) => a.cells.get(r.id)?.has(d.name));
    const values = rows.flatMap((r) => {
      const c = a.cells.get(r.id)?.get(d.name);
      if (!c) return [];
      return removalSteps(c.curve).map((cell) => ({ strategy: r.id, layer: cell.layer, step: cell.step, label: cell.step === null ? '–' : String(cell.step), chosen: cell.removedInChosen, best: c.k }));
    });
    const layers = d.unpruned.layers;
    const L = layers.length;
    const cell = 30;
    const y = { field: 'strategy', type: 'nominal' as const, sort: rows.map((r) => r.id), title: null, axis: { labelLimit: 260, ticks: false, domain: false, labelPadding: 6 } };
    const x = { field: 'layer', type: 'ordinal' as const, sort: layers, title: 'Encoder layer (0 = first)', axis: { labelAngle: 0, ticks: false, domain: false, orient: 'top' as const } };
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: { text: `Layer-removal order: ${d.name}`, subtitle: ['Number and colour: the step at which a strategy removes the layer (1 = first);', 'outlined: removed in the strategy’s chosen model'] },
      data: { values },
      width: { step: cell },
      height: { step: 21 },
      encoding: { x, y },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1.5 },
          encoding: {
            color: {
              field: 'step',
              type: 'ordinal',
              title: 'Removal step',
              sort: 'ascending',
              scale: { scheme: 'viridis', domain: Array.from({ length: L }, (_, i) => i + 1), reverse: false },
              legend: { direction: 'vertical', symbolType: 'square', symbolSize: 160 },
            },
            tooltip: [{ field: 'strategy' }, { field: 'layer' }, { field: 'step', title: 'removal step' }, { field: 'best', title: 'layers removed in chosen model' }],
          },
        },
        {
          transform: [{ filter: 'datum.chosen' }],
          mark: { type: 'rect', fill: null, stroke: '#d62728', strokeWidth: 2.2, strokeJoin: 'miter' },
          encoding: {},
        },
        {
          mark: { type: 'text', fontSize: 11, fontWeight: 'bold' },
          encoding: {
            text: { field: 'label' },
            // Light numbers on the dark early steps of viridis, dark ones on the light late steps.
            color: { condition: { test: `datum.step !== null && datum.step <= ${Math.ceil(L / 2)}`, value: 'white' }, value: '#1a1a1a' },
          },
        },
      ],
      config: { ...config, axis: { ...config.axis, grid: false } },
    } as unknown as TopLevelSpec;
    return {
      id: `heatmap-${slug(d.name, taken)}`,
      title: `Layer-removal order (${d.name})`,
      caption: `The step at which each strategy removes each layer on ${d.name} (1 = first); outlined cells are the layers the strategy’s chosen model lacks.`,
      spec,
    };
  });
}
