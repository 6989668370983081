/**
 * `score/<strategy>`: per-layer scores from a signals capture (the twelve signals of METHOD.md)
 * or from the model's layer list (random, top-down, bottom-up) or an ablation result
 * (ablation). Every one outputs a `scores` artifact: raw scores, direction, pruning order and
 * the oriented `keep` score (lowest pruned first). Fusion nodes output the same type, so any
 * consumer of an order (pruning curves, reports) takes either.
 */
import { asModelManifest } from './model-artifact.js';
import { asNodeError, asSignalsManifest, readCaptured } from './signals.js';
import { NodeError, type Artifact, type JsonSchema, type NodeContext, type NodeType } from './types.js';
import type { Direction, SignalName } from '../ml/signals/index.js';
import { SIGNAL_DIRECTIONS } from '../ml/signals/types.js';

export const SCORES_FORMAT = 'layerfuse/scores@1';
export const ABLATION_FORMAT = 'layerfuse/ablation@1';

export interface ScoresManifest {
  format: typeof SCORES_FORMAT;
  /** `weight-entropy`, `random`, ..., or the fusion (`random-forest`, `linear-regression`, `weighted-sum`, `rank-mean`). */
  strategy: string;
  /** Layer ids scored (original 0-based numbering); scores[i] belongs to layers[i]. */
  layers: number[];
  scores: number[];
  direction: Direction;
  /** Layer ids, first pruned first (ties: lower id first). */
  order: number[];
  /** scores (low-first) or -scores (high-first): the lowest keep is pruned first. */
  keep: number[];
  /** The parameters that produced it (defaults filled). */
  params: Record<string, unknown>;
  /** Fusions only: features used, importances in [0, 1], LR slopes, and the fit rows. */
  signals?: string[];
  importances?: Record<string, number>;
  coefficients?: Record<string, number>;
  intercept?: number;
  fit?: 'in-sample' | 'cross';
  rows?: { names: string[]; features: number[][]; target?: number[] };
}

export interface AblationManifest {
  format: typeof ABLATION_FORMAT;
  split: string;
  layers: number[];
  accuracy_full: number;
  /** accuracies[i]: accuracy without layers[i]. */
  accuracies: number[];
  /** drops[i] = accuracy_full - accuracies[i]. */
  drops: number[];
}

export function asScoresManifest(a: Artifact, nodeId: string, port: string): ScoresManifest {
  const m = a.manifest as Partial<ScoresManifest> | null;
  if (!m || m.format !== SCORES_FORMAT || !Array.isArray(m.keep) || !Array.isArray(m.layers)) {
    throw new NodeError(`${nodeId}: input ${port} (from ${a.from.node}.${a.from.port}) is not a ${SCORES_FORMAT} manifest`);
  }
  return m as ScoresManifest;
}

export function asAblationManifest(a: Artifact | Artifact[] | undefined, nodeId: string, port: string): AblationManifest {
  if (a === undefined || Array.isArray(a)) throw new NodeError(`${nodeId}: input ${port} must be one ablation result`);
  const m = a.manifest as Partial<AblationManifest> | null;
  if (!m || m.format !== ABLATION_FORMAT || !Array.isArray(m.drops)) {
    throw new NodeError(`${nodeId}: input ${port} (from ${a.from.node}.${a.from.port}) is not a ${ABLATION_FORMAT} manifest`);
  }
  return m as AblationManifest;
}

/** src/ml/signals/types.ts holds no code that loads a tensor backend, so planning may import it. */
const DIRECTIONS: Record<SignalName, Direction> = SIGNAL_DIRECTIONS;

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

/** Fill a node's params with its schema defaults (the DSL does too; this keeps `run` self-contained). */
function withDefaults(schema: Record<string, JsonSchema>, p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(schema)) out[k] = p[k] ?? s.default;
  return out;
}

function output(strategy: string, layers: number[], o: { scores: number[]; direction: Direction; order: number[]; keep: number[] }, params: Record<string, unknown>): { scores: ScoresManifest } {
  return { scores: { format: SCORES_FORMAT, strategy, layers, scores: o.scores, direction: o.direction, order: o.order, keep: o.keep, params } };
}

const scoresOut = { scores: { type: 'scores' as const, description: 'Per-layer scores, direction, pruning order and the oriented keep score.' } };
const signalsIn = { signals: { type: 'signals' as const, description: 'A signals/capture result.' } };

function signalNode(name: SignalName): NodeType<Record<string, unknown>> {
  const params: Record<string, JsonSchema> = { ...(EXTRA_PARAMS[name] ?? {}), direction: directionParam(DIRECTIONS[name]) };
  return {
    type: `score/${name}`,
    version: 1,
    description: DESCRIPTIONS[name],
    params,
    inputs: signalsIn,
    outputs: scoresOut,
    async run(ctx, raw, inputs) {
      const p = withDefaults(params, raw);
      const m = asSignalsManifest(inputs.signals, ctx.nodeId);
      const sig = await import('../ml/signals/index.js');
      const vectors = name === 'task-relevance-mi' || name === 'flow-relevance-mi';
      const stats = await readCaptured(ctx, m, { vectors });
      let weights: Map<number, Float32Array[]> | undefined;
      if (name.startsWith('weight-')) weights = await readWeights(ctx, m.weights, m.layers);
      try {
        const scores = sig.signalScores(name, stats, p as never, weights ? (l) => weights.get(l) ?? [] : undefined);
        return output(name, m.layers, sig.orient(scores, p.direction as Direction, m.layers), p);
      } catch (err) {
        asNodeError(err, ctx.nodeId);
      }
    },
  };
}

async function readWeights(ctx: NodeContext, refs: Record<string, import('./types.js').TensorRef[]>, layers: readonly number[]): Promise<Map<number, Float32Array[]>> {
  const out = new Map<number, Float32Array[]>();
  for (const l of layers) {
    const list = refs[String(l)];
    if (!list) throw new NodeError(`${ctx.nodeId}: the capture holds no weights of layer ${l}`);
    const mats: Float32Array[] = [];
    for (const ref of list) {
      const t = await ctx.getTensor(ref);
      if (!(t.data instanceof Float32Array)) throw new NodeError(`${ctx.nodeId}: weight tensor of layer ${l} is ${t.dtype}, expected F32`);
      mats.push(t.data);
    }
    out.set(l, mats);
  }
  return out;
}

/** Layers to order for a baseline: from a capture, or from the model's kept layers. */
function baselineLayers(ctx: NodeContext, inputs: Record<string, Artifact | Artifact[] | undefined>): number[] {
  if (inputs.signals !== undefined) return asSignalsManifest(inputs.signals, ctx.nodeId).layers;
  if (inputs.model !== undefined) return asModelManifest(inputs.model, ctx.nodeId).layers;
  throw new NodeError(`${ctx.nodeId}: give it a model (with: model: \${...}) or a signals capture (signals: \${...})`);
}

const baselineInputs = {
  model: { type: 'model' as const, optional: true, description: 'The model whose kept layers are ordered (or give `signals`).' },
  signals: { type: 'signals' as const, optional: true, description: 'A capture whose layers are ordered (or give `model`).' },
};

const randomParams: Record<string, JsonSchema> = { seed: { type: 'integer', default: 42, description: 'Permutation seed (mulberry32, Fisher-Yates).' } };

const randomNode: NodeType<Record<string, unknown>> = {
  type: 'score/random',
  version: 1,
  description: 'A seeded random permutation of the layers (the baseline every strategy is compared with).',
  params: randomParams,
  inputs: baselineInputs,
  outputs: scoresOut,
  async run(ctx, raw, inputs) {
    const p = withDefaults(randomParams, raw);
    const { randomOrder } = await import('../ml/signals/index.js');
    const layers = baselineLayers(ctx, inputs);
    try {
      return output('random', layers, randomOrder(layers, p.seed as number), p);
    } catch (err) {
      asNodeError(err, ctx.nodeId);
    }
  },
};

function fixedNode(kind: 'top-down' | 'bottom-up'): NodeType<Record<string, unknown>> {
  return {
    type: `score/${kind}`,
    version: 1,
    description:
      kind === 'top-down'
        ? "Last layer first (Sajjad et al., \"Poor Man's BERT\": dropping the top layers); score = layer id, high pruned first."
        : 'First layer first; score = layer id, low pruned first.',
    params: {},
    inputs: baselineInputs,
    outputs: scoresOut,
    async run(ctx, _raw, inputs) {
      const { topDown, bottomUp } = await import('../ml/signals/index.js');
      const layers = baselineLayers(ctx, inputs);
      return output(kind, layers, kind === 'top-down' ? topDown(layers) : bottomUp(layers), {});
    },
  };
}

const ablationScoreNode: NodeType<Record<string, unknown>> = {
  type: 'score/ablation',
  version: 1,
  description: 'Order by the single-layer ablation drop itself (smallest drop first): what in-sample fusion approaches.',
  params: {},
  inputs: { ablation: { type: 'ablation', description: 'A prune/ablation result.' } },
  outputs: scoresOut,
  async run(ctx, _raw, inputs) {
    const a = asAblationManifest(inputs.ablation, ctx.nodeId, 'ablation');
    const { ablationOrder } = await import('../ml/signals/index.js');
    try {
      return output('ablation', a.layers, ablationOrder(a.drops, a.layers), { split: a.split });
    } catch (err) {
      asNodeError(err, ctx.nodeId);
    }
  },
};

export const SIGNAL_NODE_NAMES = Object.keys(DIRECTIONS) as SignalName[];

export const scoreNodes: ReadonlyArray<NodeType<never>> = [
  ...SIGNAL_NODE_NAMES.map(signalNode),
  randomNode,
  fixedNode('top-down'),
  fixedNode('bottom-up'),
  ablationScoreNode,
] as unknown as ReadonlyArray<NodeType<never>>;
