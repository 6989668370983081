/** The best strategy per dataset (ties listed together), the summary's table. */
import type { Best } from '../summary.js';
import type { Table } from '../table.js';

export function bestTable(best: readonly Best[]): Table {
  return {
    id: 'best',
    title: 'Best strategy per dataset',
    caption: 'The strategy (or tied strategies) whose chosen pruned model has the highest test accuracy on each dataset, against the unpruned model.',
    columns: [
      { key: 'dataset', label: 'Dataset', format: 'text' },
      { key: 'accuracy', label: 'Accuracy (%)', format: 'accuracy', description: 'test accuracy (fraction)' },
      { key: 'unpruned', label: 'Unpruned (%)', format: 'accuracy' },
      { key: 'change', label: 'Change (%)', format: 'signed', description: '% change against the unpruned model' },
      { key: 'layers_removed', label: 'Layers removed', format: 'count', description: 'by the first listed strategy' },
      { key: 'layers', label: 'Of', format: 'count' },
      { key: 'strategies', label: 'Best strategy', format: 'text', description: 'tied strategies separated by "; "', wrap: true },
    ],
    rows: best.map((b) => ({
      values: { dataset: b.dataset, strategies: b.strategies.join('; '), accuracy: b.accuracy, unpruned: b.unpruned, change: b.change, layers_removed: b.removed, layers: b.layers },
    })),
  };
}
