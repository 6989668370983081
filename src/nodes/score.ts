/**
 * `score/<strategy>`: per-layer scores from a signals capture (the twelve signals of
 * docs/method.md) or from the model's layer list (random, top-down, bottom-up) or an ablation
 * result (ablation). Every one outputs a `scores` artifact (src/ml/signals/scores-manifest.ts): raw
 * scores, direction, pruning order and the oriented `keep` score (lowest pruned first). Fusion
 * nodes output the same type, so any consumer of an order (pruning curves, reports) takes either.
 */
import type { InputFactsMap, NodeDecl, StaticFacts } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import type { SignalParams } from '../ml/signals/compute.js';
import { SIGNAL_DIRECTIONS, SIGNAL_NAMES, type Direction, type SignalName } from '../ml/signals/types.js';
import { family } from './family.js';
import { factsOf, sameLayers } from './static-facts.js';

/** A scores artifact's facts: its signal name (as fusions' `weights` name it) and the layers of its source. */
function scoresFacts(signal: string, source: StaticFacts): { scores: StaticFacts } {
  return { scores: { ...sameLayers(source), signal } };
}

/** The layers a baseline orders: its model's, or its capture's. */
function baselineSource(inputs: InputFactsMap): StaticFacts {
  const m = factsOf(inputs, 'model');
  return Object.keys(m).length > 0 ? m : factsOf(inputs, 'signals');
}

export type SignalNodeParams = SignalParams & { direction: Direction };

const DESCRIPTIONS: Record<SignalName, string> = {
  'activation-intensity': 'Mean abs(h) of the layer output over valid tokens and hidden units; low pruned first.',
  'activation-energy': 'Mean h^2 of the layer output over valid tokens and hidden units; low pruned first.',
  'activation-inhibition': 'Fraction of negative entries of the layer output (or of the FFN pre-activation, tensor: ffn); high pruned first.',
  'task-relevance-mi': 'Mean over hidden units of MI(binned pooled layer output; label), in nats; low pruned first.',
  'flow-relevance-mi': 'Mean over hidden units of MI(binned pooled layer input; binned pooled layer output); low pruned first.',
  'gradient-magnitudes': "Mean abs gradient of the batch-mean CE loss over the layer's parameters, averaged over calibration batches; low pruned first.",
  'gradient-fisher': "Mean squared batch gradient (empirical Fisher diagonal) over the layer's parameters; low pruned first.",
  'weight-norm': 'Frobenius norm of the six weight matrices (Q, K, V, O, FFN in, FFN out); low pruned first.',
  'weight-sparsity': 'Fraction of the six matrices\' weights with abs(w) < tau; high pruned first.',
  'weight-entropy': 'Entropy of an equal-width histogram of the six matrices\' weights; low pruned first.',
  'attention-weight': 'Mean over examples, heads and valid queries of the largest attention probability; low pruned first.',
  'attention-entropy': 'Mean over examples, heads and valid queries of the attention row entropy over valid keys; high pruned first.',
};

const directionParam = (dflt: Direction): JsonSchema => ({
  enum: ['low', 'high'],
  default: dflt,
  description: 'Which end is pruned first: `low` (lowest score first) or `high`.',
});

const miParams: Record<string, JsonSchema> = {
  bins: { type: 'integer', minimum: 2, default: 10, description: 'Equal-width bins per hidden unit (min..max over the calibration set).' },
  pool: { enum: ['mean', 'cls'], default: 'mean', description: 'Per-example vector: mean over valid tokens, or the [CLS] token.' },
};

const EXTRA_PARAMS: Partial<Record<SignalName, Record<string, JsonSchema>>> = {
  'task-relevance-mi': miParams,
  'flow-relevance-mi': miParams,
  'weight-sparsity': { tau: { type: 'number', minimum: 0, default: 1e-3, description: 'Weights with abs(w) < tau count as zero.' } },
  'weight-entropy': { bins: { type: 'integer', minimum: 1, default: 100, description: 'Histogram bins over [min, max] of the weights.' } },
  'activation-inhibition': {
    tensor: { enum: ['output', 'ffn'], default: 'output', description: '`output`: the layer output h(l); `ffn`: the FFN pre-activation (GELU input).' },
  },
};

const scoresOut = { scores: { type: 'scores' as const, description: 'Per-layer scores, direction, pruning order and the oriented keep score.' } };
const signalsIn = { signals: { type: 'signals' as const, description: 'A signals/capture result.' } };

/** One declaration per signal, in SIGNAL_NAMES order. */
export const signalNodes: ReadonlyArray<NodeDecl<SignalNodeParams>> = SIGNAL_NAMES.map((name) => ({
  type: `score/${name}`,
  version: 1,
  description: DESCRIPTIONS[name],
  params: { ...(EXTRA_PARAMS[name] ?? {}), direction: directionParam(SIGNAL_DIRECTIONS[name]) },
  inputs: signalsIn,
  outputs: scoresOut,
  facts: (_p, inputs) => scoresFacts(name, factsOf(inputs, 'signals')),
}));

/** The signal a `score/<signal>` type computes. */
export function signalOf(decl: Pick<NodeDecl, 'type'>): SignalName {
  return decl.type.slice('score/'.length) as SignalName;
}

const baselineInputs = {
  model: { type: 'model' as const, optional: true, description: 'The model whose kept layers are ordered (or give `signals`).' },
  signals: { type: 'signals' as const, optional: true, description: 'A capture whose layers are ordered (or give `model`).' },
};

export const randomNode: NodeDecl<{ seed: number }> = {
  type: 'score/random',
  version: 1,
  description: 'A seeded random permutation of the layers (the baseline every strategy is compared with).',
  params: { seed: { type: 'integer', default: 42, description: 'Permutation seed (mulberry32, Fisher-Yates).' } },
  inputs: baselineInputs,
  outputs: scoresOut,
  facts: (_p, inputs) => scoresFacts('random', baselineSource(inputs)),
};

export const topDownNode: NodeDecl = {
  type: 'score/top-down',
  version: 1,
  description: "Last layer first (Sajjad et al., \"Poor Man's BERT\": dropping the top layers); score = layer id, high pruned first.",
  params: {},
  inputs: baselineInputs,
  outputs: scoresOut,
  facts: (_p, inputs) => scoresFacts('top-down', baselineSource(inputs)),
};

export const bottomUpNode: NodeDecl = {
  type: 'score/bottom-up',
  version: 1,
  description: 'First layer first; score = layer id, low pruned first.',
  params: {},
  inputs: baselineInputs,
  outputs: scoresOut,
  facts: (_p, inputs) => scoresFacts('bottom-up', baselineSource(inputs)),
};

export const ablationScoreNode: NodeDecl = {
  type: 'score/ablation',
  version: 1,
  description: 'Order by the single-layer ablation drop itself (smallest drop first): what in-sample fusion approaches.',
  params: {},
  inputs: { ablation: { type: 'ablation', description: 'A prune/ablation result.' } },
  outputs: scoresOut,
  facts: (_p, inputs) => scoresFacts('ablation', factsOf(inputs, 'ablation')),
};

export const scoreNodes = family([...signalNodes, randomNode, topDownNode, bottomUpNode, ablationScoreNode], () => import('./run/score.js'));
