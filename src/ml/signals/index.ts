/** Public surface of the signal library: pure functions from captured statistics to scores. */
export { CAPTURE_GROUPS, SIGNAL_DIRECTIONS, SIGNAL_NAMES, SignalInputError, type CaptureGroup, type Direction, type Oriented, type SignalName } from './types.js';
export { orient, orderByKeep } from './orient.js';
export { binColumn, histogramEntropy, entropyOfCounts, mutualInformation } from './binning.js';
export { taskRelevanceMi, flowRelevanceMi, classCount, type LayerVectors } from './mi-signals.js';
export { weightNorm, weightSparsity, weightEntropy, WEIGHT_MATRIX_SUFFIXES } from './weight-signals.js';
export {
  activationIntensity,
  activationEnergy,
  activationInhibition,
  attentionWeight,
  attentionEntropy,
  gradientMagnitudes,
  gradientFisher,
  gradientMoments,
} from './stat-signals.js';
export { randomOrder, topDown, bottomUp, ablationOrder } from './baselines.js';
export type { CapturedStats } from './captured.js';
export { SIGNALS_FORMAT, asSignalsManifest, readCaptured, storeCaptured, type SignalsManifest } from './manifest.js';
export { ABLATION_FORMAT, SCORES_FORMAT, asAblationManifest, asScoresManifest, makeScores, type AblationManifest, type ScoresManifest } from './scores-manifest.js';
export { signalScores, SIGNAL_NEEDS, type SignalParams, type WeightSource } from './compute.js';
export { captureStats, checkFinite, type CaptureOptions } from './capture.js';
export { batchStats, layerGradientMoments, type BatchCaptures, type BatchStats } from './batch-stats.js';
export { singleLayerAblation, type AblationResult } from './ablation.js';
