/** Every figure of the report, in the order the page shows them. */
import type { Analysis } from '../analysis.js';
import type { DistillationRow } from '../distillation.js';
import type { Importances } from '../importances.js';
import { curvesFigure } from './curves.js';
import { distillationFigure } from './distillation.js';
import type { Figure } from './figure.js';
import { heatmapFigures } from './heatmap.js';
import { importancesFigure } from './importances.js';
import { changeFigure, meanRankFigure, ratioFigure } from './strategy-charts.js';

export type { Figure } from './figure.js';
export { renderSpec, type Rendered } from './render.js';

export function allFigures(a: Analysis, distillations: readonly DistillationRow[], imp: Importances): Figure[] {
  const importances = importancesFigure(a, imp);
  return [
    curvesFigure(a),
    meanRankFigure(a),
    changeFigure(a),
    ratioFigure(a, distillations),
    distillationFigure(a, distillations),
    ...(importances ? [importances] : []),
    ...heatmapFigures(a),
  ];
}
