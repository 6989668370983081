/** Evaluations given to the report as they are (model/evaluate results: which split, which layers). */
import type { EvaluationInput } from '../input.js';
import type { Table } from '../table.js';

export function evaluationsTable(list: readonly EvaluationInput[]): Table {
  return {
    id: 'evaluations',
    title: 'Evaluations',
    caption: 'model/evaluate results passed to the report, as measured (the unpruned models of the tables above are the curves’ k = 0 points).',
    columns: [
      { key: 'source', label: 'Node', format: 'text' },
      { key: 'split', label: 'Split', format: 'text' },
      { key: 'layers', label: 'Layers', format: 'count' },
      { key: 'kept', label: 'Kept layers', format: 'layers' },
      { key: 'examples', label: 'Examples', format: 'count' },
      { key: 'accuracy', label: 'Accuracy (%)', format: 'accuracy', description: 'fraction' },
      { key: 'macro_f1', label: 'Macro-F1 (%)', format: 'accuracy', description: 'fraction' },
      { key: 'backend', label: 'Backend', format: 'text' },
    ],
    rows: list.map((e) => ({ values: { source: e.source, split: e.split, layers: e.layers.length, kept: e.layers, examples: e.examples, accuracy: e.accuracy, macro_f1: e.macro_f1, backend: e.backend ?? null } })),
  };
}
