/**
 * One entry point from captured statistics (and, for the weight signals, the layer's weight
 * matrices) to a signal's per-layer scores.
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

/**
 * A signal's parameters. No defaults here: the score node's schema holds each one (docs/method.md's
 * values), and a signal that needs a parameter it was not given says so.
 */
export interface SignalParams {
  /** MI: equal-width bins per hidden unit; weight-entropy: histogram bins. */
  bins?: number;
  /** MI pooling of a layer's token vectors: mean over valid tokens, or [CLS]. */
  pool?: 'mean' | 'cls';
  /** weight-sparsity threshold. */
  tau?: number;
  /** activation-inhibition: the layer output or the FFN pre-activation. */
  tensor?: 'output' | 'ffn';
}

function need<K extends keyof SignalParams>(name: SignalName, params: SignalParams, key: K): NonNullable<SignalParams[K]> {
  const v = params[key];
  if (v === undefined) throw new SignalInputError(`${name} needs its '${key}' parameter`);
  return v as NonNullable<SignalParams[K]>;
}

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
  let group = SIGNAL_NEEDS[name];
  if (name === 'activation-inhibition' && need(name, params, 'tensor') === 'ffn') group = 'ffn';
  if (group && !stats.groups.includes(group)) {
    throw new SignalInputError(`${name} needs the capture's '${group}' statistics, but signals/capture kept only [${stats.groups.join(', ')}] (its 'tensors' parameter)`);
  }
  const vectors = () => ({ n: stats.n, hidden: stats.hidden, states: need(name, params, 'pool') === 'cls' ? stats.cls : stats.pooled });
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
      return activationInhibition(stats, need(name, params, 'tensor'));
    case 'task-relevance-mi':
      return taskRelevanceMi(vectors(), stats.labels, need(name, params, 'bins'));
    case 'flow-relevance-mi':
      return flowRelevanceMi(vectors(), need(name, params, 'bins'));
    case 'gradient-magnitudes':
      return gradientMagnitudes(stats);
    case 'gradient-fisher':
      return gradientFisher(stats);
    case 'weight-norm':
      return mats().map(weightNorm);
    case 'weight-sparsity':
      return mats().map((m) => weightSparsity(m, need(name, params, 'tau')));
    case 'weight-entropy':
      return mats().map((m) => weightEntropy(m, need(name, params, 'bins')));
    case 'attention-weight':
      return attentionWeight(stats);
    case 'attention-entropy':
      return attentionEntropy(stats);
  }
}
