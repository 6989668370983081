/** Every table of the report, in the order the page shows them. */
import type { Analysis } from '../analysis.js';
import type { Comparisons } from '../comparisons.js';
import type { DistillationRow } from '../distillation.js';
import type { Importances } from '../importances.js';
import type { EvaluationInput } from '../input.js';
import { bestPerDataset } from '../summary.js';
import type { Table } from '../table.js';
import { changeTable, maxAccuracyTable, ranksTable } from './accuracy.js';
import { bestTable } from './best.js';
import { distillationTable } from './distillation.js';
import { evaluationsTable } from './evaluations.js';
import { importancesByDatasetTable, importancesTable } from './importances.js';
import { sizeTable } from './size.js';
import { wilcoxonTable } from './wilcoxon.js';

/** `evaluations` adds their table when any were given. */
export function allTables(a: Analysis, distillations: readonly DistillationRow[], imp: Importances, comparisons: Comparisons, evaluations: readonly EvaluationInput[] = []): Table[] {
  return [
    bestTable(bestPerDataset(a)),
    maxAccuracyTable(a),
    ranksTable(a),
    changeTable(a),
    sizeTable(a, distillations),
    distillationTable(distillations),
    importancesTable(imp),
    importancesByDatasetTable(imp),
    wilcoxonTable(comparisons),
    ...(evaluations.length > 0 ? [evaluationsTable(evaluations)] : []),
  ];
}
