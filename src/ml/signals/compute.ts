/**
 * One entry point from captured statistics (and, for the weight signals, the layer's weight
 * matrices) to a signal's per-layer scores, with every METHOD.md default.
 */
import type { CapturedStats } from './captured.js';
import { flowRelevanceMi, taskRelevanceMi } from './mi-signals.js';
import {
  activationEnergy,
  activationInhibition,
  activationIntensity,
  attentionEntropy,
  attentionWeight,
  gradientFisher,
  gradientMagnitudes,
} from './stat-signals.js';
import { SignalInputError, type SignalName } from './types.js';
import { weightEntropy, weightNorm, weightSparsity } from './weight-signals.js';

export interface SignalParams {
  /** MI bins (default 10) or weight-entropy histogram bins (default 100). */
  bins?: number;
  /** MI pooling of a layer's token vectors: mean over valid tokens (default) or [CLS]. */
  pool?: 'mean' | 'cls';
  /** weight-sparsity threshold (default 1e-3). */
  tau?: number;
  /** activation-inhibition: the layer output (default) or the FFN pre-activation. */
  tensor?: 'output' | 'ffn';
}

export const SIGNAL_DEFAULTS = {
  'task-relevance-mi': { bins: 10, pool: 'mean' },
  'flow-relevance-mi': { bins: 10, pool: 'mean' },
  'weight-sparsity': { tau: 1e-3 },
  'weight-entropy': { bins: 100 },
  'activation-inhibition': { tensor: 'output' },
} as const;

/** Which capture group each signal reads (weights come from the model, not the capture). */
export const SIGNAL_NEEDS: Record<SignalName, string | undefined> = {
  'activation-intensity': 'hidden',
  'activation-energy': 'hidden',
  'activation-inhibition': 'hidden',
  'task-relevance-mi': 'hidden',
  'flow-relevance-mi': 'hidden',
  'gradient-magnitudes': 'gradients',
  'gradient-fisher': 'gradients',
  'weight-norm': undefined,
  'weight-sparsity': undefined,
  'weight-entropy': undefined,
  'attention-weight': 'attention',
  'attention-entropy': 'attention',
};

/** The six weight matrices of kept layer `layer` (original id). */
export type WeightSource = (layer: number) => ReadonlyArray<ArrayLike<number>>;

export function signalScores(name: SignalName, stats: CapturedStats, params: SignalParams = {}, weights?: WeightSource): number[] {
  if (stats.layers.length < 2) throw new SignalInputError(`scoring needs at least 2 layers, the capture has ${stats.layers.length}`);
  let need = SIGNAL_NEEDS[name];
  if (name === 'activation-inhibition' && (params.tensor ?? 'output') === 'ffn') need = 'ffn';
  if (need && !stats.groups.includes(need)) {
    throw new SignalInputError(`${name} needs the capture's '${need}' statistics, but signals/capture kept only [${stats.groups.join(', ')}] (its 'tensors' parameter)`);
  }
  const vectors = () => ({ n: stats.n, hidden: stats.hidden, states: (params.pool ?? 'mean') === 'cls' ? stats.cls : stats.pooled });
  const mats = (): Array<ReadonlyArray<ArrayLike<number>>> => {
    if (!weights) throw new SignalInputError(`${name} needs the model's weights`);
    return stats.layers.map((l) => weights(l));
  };
  switch (name) {
    case 'activation-intensity':
      return activationIntensity(stats);
    case 'activation-energy':
      return activationEnergy(stats);
    case 'activation-inhibition':
      return activationInhibition(stats, params.tensor ?? 'output');
    case 'task-relevance-mi':
      return taskRelevanceMi(vectors(), stats.labels, params.bins ?? 10);
    case 'flow-relevance-mi':
      return flowRelevanceMi(vectors(), params.bins ?? 10);
    case 'gradient-magnitudes':
      return gradientMagnitudes(stats);
    case 'gradient-fisher':
      return gradientFisher(stats);
    case 'weight-norm':
      return mats().map(weightNorm);
    case 'weight-sparsity':
      return mats().map((m) => weightSparsity(m, params.tau ?? 1e-3));
    case 'weight-entropy':
      return mats().map((m) => weightEntropy(m, params.bins ?? 100));
    case 'attention-weight':
      return attentionWeight(stats);
    case 'attention-entropy':
      return attentionEntropy(stats);
  }
}
