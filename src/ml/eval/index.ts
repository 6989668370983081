/** Evaluation: metrics and running a classifier over a split. */
export { computeMetrics, confusionMatrix, metricsFromConfusion, type ClassMetrics, type Metrics } from './metrics.js';
export { argmaxRows, NonFiniteLogitsError, runSplit, softmaxRow, type LogitsFn, type RunOptions, type SplitOutputs } from './runner.js';
export { bertLogits } from './bert-logits.js';
export { majorityBaseline, majorityWarning, type MajorityBaseline } from './majority.js';
