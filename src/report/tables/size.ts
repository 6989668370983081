/**
 * Sizes and the accuracy-to-size ratio (docs/method.md "Size"): per dataset the unpruned model,
 * each strategy's chosen model and each distilled model (with its hard-label control), with
 * exact parameters, MB of float32 weights, accuracy per GB and the ratio's change against the
 * unpruned model as a difference and in percent.
 */
import { percentChange, type Analysis } from '../analysis.js';
import type { DistillationRow, ModelSize } from '../distillation.js';
import type { Column, Table, TableRow } from '../table.js';

const columns: Column[] = [
  { key: 'dataset', label: 'Dataset', format: 'text' },
  { key: 'model', label: 'Model', format: 'text' },
  { key: 'layers_removed', label: 'Removed', format: 'count', description: 'encoder layers removed' },
  { key: 'kept', label: 'Kept layers', format: 'layers', description: 'kept encoder layers (original indices)' },
  { key: 'parameters', label: 'Parameters', format: 'count', description: 'exact parameter count' },
  { key: 'size_mb', label: 'Size (MB)', format: 'fixed2', description: '4 bytes × parameters / 1e6' },
  { key: 'accuracy', label: 'Accuracy (%)', format: 'accuracy', description: 'test accuracy (fraction)' },
  { key: 'ratio', label: 'Acc./GB', format: 'fixed2', description: 'accuracy (fraction) / (4 bytes × parameters / 1e9)' },
  { key: 'ratio_change', label: 'Δ Acc./GB', format: 'signed', description: 'ratio − unpruned ratio' },
  { key: 'ratio_change_pct', label: 'Δ Acc./GB (%)', format: 'signed', description: '100 × (ratio − unpruned ratio) / unpruned ratio' },
];

function modelRow(dataset: string, model: string, removed: number, kept: number[] | null, m: Pick<ModelSize, 'parameters' | 'mb' | 'accuracy' | 'ratio'>, baseRatio: number): TableRow {
  return {
    values: {
      dataset,
      model,
      layers_removed: removed,
      kept,
      parameters: m.parameters,
      size_mb: m.mb,
      accuracy: m.accuracy,
      ratio: m.ratio,
      ratio_change: m.ratio - baseRatio,
      ratio_change_pct: percentChange(m.ratio, baseRatio),
    },
  };
}

export function sizeTable(a: Analysis, distillations: readonly DistillationRow[]): Table {
  const rows: TableRow[] = [];
  for (const d of a.datasets) {
    const u = d.unpruned;
    rows.push(modelRow(d.name, 'unpruned', 0, u.layers, { parameters: u.parameters, mb: (4 * u.parameters) / 1e6, accuracy: u.accuracy, ratio: u.ratio }, u.ratio));
    for (const r of a.rows) {
      const c = a.cells.get(r.id)?.get(d.name);
      if (c) rows.push(modelRow(d.name, r.id, c.k, c.kept, c, u.ratio));
    }
    for (const x of distillations.filter((x) => x.dataset === d.name)) {
      const removed = u.layers.length - x.distilled.layers;
      const kept = x.manifest.distilled.layers;
      rows.push(modelRow(d.name, `distilled (${x.strategy})`, removed, kept, x.distilled, u.ratio));
      if (x.control) rows.push(modelRow(d.name, `control (${x.strategy})`, removed, x.manifest.control?.layers ?? kept, x.control, u.ratio));
    }
  }
  return {
    id: 'size',
    title: 'Model size and accuracy-to-size ratio',
    caption: 'Exact parameter counts of each chosen model; size = 4 bytes × parameters (float32); Acc./GB = test accuracy (fraction) per GB; changes against the unpruned model of the same dataset, as a difference and in percent. Distilled models keep the student’s layers.',
    columns,
    rows,
  };
}
