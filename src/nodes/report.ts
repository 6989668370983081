/**
 * `report/paper`: the paper's tables, statistics and figures from pruning curves, distillation
 * results and fusions, for one dataset or many, as one self-contained HTML page with the tables
 * as CSV/JSON/Markdown and the figures as SVG/PNG/Vega-Lite, published to
 * results/<pipeline>/<node id>/. The run module (src/report underneath) loads no tensor library.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import { family } from './family.js';

export const paperNode: NodeDecl<Record<string, never>> = {
  type: 'report/paper',
  version: 1,
  description:
    "The paper's tables (max accuracy with ranks, % change, sizes and accuracy-to-size, distillation control, signal importances), Wilcoxon tests across datasets and figures, as one self-contained HTML page plus CSV/JSON/Markdown tables and SVG/PNG figures; published to results/.",
  params: {},
  inputs: {
    curves: {
      type: 'curve',
      many: true,
      description: 'Pruning curves (prune/sequential, prune/iterative, prune/greedy), one per strategy and dataset; each names its strategy and dataset.',
    },
    distillations: { type: 'distillation', many: true, optional: true, description: 'model/distill results (with control: true for the teacher-vs-training table).' },
    fusions: {
      type: 'scores',
      many: true,
      optional: true,
      description: 'fuse/linear-regression and fuse/random-forest outputs, for their signal importances; each belongs to the dataset of the curve whose order it is.',
    },
    evaluations: { type: 'evaluation', many: true, optional: true, description: 'model/evaluate results to list beside the curves (the unpruned model of each curve is its k = 0 point).' },
  },
  outputs: {
    report: { type: 'files', publish: true, description: 'report.html (self-contained), report.json, tables/*.csv|json|md, figures/*.svg|png|vl.json.' },
  },
  // Rendering takes seconds of CPU: in a worker it runs beside other nodes instead of stalling the run.
  worker: true,
  pipelineInfo: true,
};

export const reportNodes = family([paperNode], () => import('./run/report.js'));
