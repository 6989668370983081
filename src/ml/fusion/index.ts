/** Public surface of the fusion library (pure functions over arrays). */
export { FusionInputError } from './errors.js';
export { zscore, featureRows, minMaxScale } from './zscore.js';
export { fitLinear, predictLinear, standardizedCoefficients, type LinearModel } from './linear-regression.js';
export { fitForest, impurityImportance, type Forest, type ForestOptions } from './random-forest.js';
export { weightedSum, averageRanks, rankMean } from './combine.js';
export {
  buildRows,
  fitPredict,
  fuseWeighted,
  fuseRankMean,
  type SignalColumn,
  type FusionRows,
  type FusionResult,
  type LearnedMethod,
  type LearnedOptions,
  type FitMode,
  fuseLearned,
} from './fuse.js';
