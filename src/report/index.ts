/**
 * The report library: from pruning curves, distillation results and fusions to the paper's
 * tables, statistics and figures as one HTML page (see build.ts). Loads no tensor backend.
 */
export { buildReport, REPORT_FORMAT, type ReportFiles } from './build.js';
export { analyse, percentChange, type Analysis, type Cell, type DatasetInfo } from './analysis.js';
export { compare, significanceNote, type Comparison, type Comparisons } from './comparisons.js';
export { ReportInputError } from './errors.js';
export { removalSteps, type RemovalCell } from './heatmap.js';
export { checkInput, type EvaluationInput, type FusionInput, type FusionManifest, type PipelineInfo, type ReportInput } from './input.js';
export { accuracyToSize, bertParameters, sizeGB, sizeMB, type SizeConfig } from './size.js';
export { minExactP, ranksDescending, standardError, wilcoxonSignedRank, type WilcoxonResult } from './stats.js';
export { bestPerDataset, summaryLines, type Best } from './summary.js';
