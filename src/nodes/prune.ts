/**
 * The prune family. `prune/ablation`: the single-layer ablation drop acc(full) - acc(full
 * without l) of every kept layer on the validation split (docs/method.md: the fusion target; never
 * the test split by default). `prune/sequential`, `prune/greedy`, `prune/iterative`: a removal
 * order (given, greedy on validation, or recomputed after each removal by a recipe of signals
 * and a fusion) turned into a pruning curve (CurveManifest: accuracy and macro-F1 of every
 * M_k on test and validation) and the model at the best k (a pruned view of the input model:
 * the same tensor blobs, fewer layers).
 *
 * Every evaluation goes through the evaluation memo of run/eval-memo.ts, so an ablated subset,
 * a curve point or a greedy candidate evaluated anywhere is computed once; within a node the
 * missing ones share the hidden states of common kept-layer prefixes (run/curve-scorer.ts).
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import { SPLITS, type SplitName } from '../ml/data/split.js';
import type { EngineKind } from '../ml/engine/kinds.js';
import { FUSION_METHODS, type FusionMethod } from '../ml/prune/recipe-types.js';
import { SIGNAL_NAMES } from '../ml/signals/types.js';
import { ENGINE_PARAM, onTfjs } from './engine-param.js';
import { family } from './family.js';
import { randomForestNode } from './fuse.js';
import { captureParams } from './signals.js';
import { signalNodes } from './score.js';
import { factsOf, keptOf, sameLayers } from './static-facts.js';

export interface AblationParams {
  split: SplitName;
  batch: number;
  engine: EngineKind;
}

export const ablationNode: NodeDecl<AblationParams> = {
  type: 'prune/ablation',
  version: 2,
  description: 'Single-layer ablation: accuracy of the model without each layer in turn, and the drop from the full model (the fusion target).',
  params: {
    split: { enum: [...SPLITS], default: 'validation', description: 'Split the accuracies are measured on (validation: never choose test for a fusion target).' },
    batch: { type: 'integer', minimum: 1, default: 32, description: 'Examples per evaluation forward (does not change the result).' },
    engine: ENGINE_PARAM,
  },
  inputs: {
    model: { type: 'model', description: 'The unpruned classifier (its kept layers are ablated one at a time).' },
    data: { type: 'dataset', description: 'The dataset; the validation split is read (see `split`).' },
  },
  outputs: { ablation: { type: 'ablation', description: 'accuracy_full, accuracies without each layer, drops.' } },
  worker: true,
  threadedWasm: (p, run) => onTfjs(p.engine, run.engine),
  check: (ctx) => {
    const kept = keptOf(factsOf(ctx.inputs, 'model'));
    if (kept && kept.length < 2) ctx.error(`ablation needs a model with at least 2 layers; \`${(ctx.inputs.model as { node: string }).node}\` gives ${kept.length}`, 'model');
  },
  facts: (_p, inputs) => ({ ablation: sameLayers(factsOf(inputs, 'model')) }),
};

/** Params every curve node takes. */
export interface CurveParams {
  select_on: 'validation' | 'test';
  max_drop?: number;
  batch: number;
  engine: EngineKind;
  prefix_budget_mb: number;
}

const curveParams: Record<string, JsonSchema> = {
  select_on: {
    enum: ['validation', 'test'],
    default: 'validation',
    description: "Split the best k is chosen on: `validation` (honest) or `test` (what the paper's Table 1 reports). The curve holds both.",
  },
  max_drop: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    description:
      'Choose the largest k >= 1 whose select_on accuracy is within max_drop of the unpruned model (0.01 = one point); when no k is, the argmax rule chooses and the curve says max-drop-unmet. Absent: argmax over k >= 1, ties to the larger k.',
  },
  batch: { type: 'integer', minimum: 1, default: 32, description: 'Examples per evaluation forward (does not change the result).' },
  engine: ENGINE_PARAM,
  prefix_budget_mb: {
    type: 'number',
    minimum: 0,
    default: 256,
    description: 'Memory for hidden states of shared kept-layer prefixes kept across evaluations (MiB, both splits together; does not change the result).',
  },
};

const curveInputs = {
  model: { type: 'model' as const, description: 'The unpruned classifier (any kept-layer view: its kept layers are pruned).' },
  data: { type: 'dataset' as const, description: 'The dataset: validation and test splits are evaluated.' },
};

const curveOutputs = {
  curve: { type: 'curve' as const, description: 'CurveManifest: every M_k (k = 0..L-1) with kept layers, test and validation accuracy and macro-F1, parameters; the best k.' },
  model: { type: 'model' as const, description: 'The model at the best k (its tensors shared with the input model), for model/evaluate, model/export, model/distill.' },
};

export const sequentialNode: NodeDecl<CurveParams> = {
  type: 'prune/sequential',
  version: 1,
  description: "Remove layers one at a time in a strategy's order (any scores: a signal, a baseline, a fusion): the accuracy curve on test and validation and the model at the best k.",
  params: curveParams,
  inputs: { ...curveInputs, order: { type: 'scores', description: 'The removal order: any score/* or fuse/* output computed on this model.' } },
  outputs: curveOutputs,
  worker: true,
  threadedWasm: (p, run) => onTfjs(p.engine, run.engine),
};

export interface GreedyParams extends CurveParams {
  split: 'validation' | 'test';
}

export const greedyNode: NodeDecl<GreedyParams> = {
  type: 'prune/greedy',
  version: 1,
  description:
    'Greedy removal (SLEB-style): at each step remove the layer whose removal costs least on `split` (ties: the lower layer index), until one layer is left; the curve and the model at the best k.',
  params: {
    split: { enum: ['validation', 'test'], default: 'validation', description: 'Split each step is decided on (validation: never decide on test).' },
    ...curveParams,
  },
  inputs: curveInputs,
  outputs: curveOutputs,
  worker: true,
  threadedWasm: (p, run) => onTfjs(p.engine, run.engine),
};

/** A recipe signal as YAML writes it: a name, or {name, label?, direction?, score params}. */
export type RecipeSignalParam = string | ({ name: string } & Record<string, unknown>);

export interface IterativeParams extends CurveParams {
  signals: RecipeSignalParam[];
  fusion: { method: FusionMethod } & Record<string, unknown>;
  capture: Record<string, unknown>;
  target_split: 'validation' | 'test';
  strategy?: string;
}

/** A param schema without its default: nested defaults are filled by the run body per signal or method. */
function noDefault(schema: JsonSchema): JsonSchema {
  const { default: _default, ...rest } = schema;
  return rest;
}

/** Score params any signal may take (each signal's own are checked when the node starts). */
const signalEntry: JsonSchema = {
  anyOf: [
    { enum: [...SIGNAL_NAMES] },
    {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { enum: [...SIGNAL_NAMES] },
        label: { type: 'string', description: 'Feature name in the fusion (needed when a signal repeats).' },
        direction: { enum: ['low', 'high'] },
        ...Object.fromEntries(signalNodes.flatMap((d) => Object.entries(d.params).filter(([k]) => k !== 'direction').map(([k, v]) => [k, noDefault(v)]))),
      },
    },
  ],
};

export const iterativeNode: NodeDecl<IterativeParams> = {
  type: 'prune/iterative',
  version: 1,
  description:
    'The dynamic schedule: after each removal, recapture the signals and refit the fusion on the current (pruned) model, and remove the first layer of its new order; the curve and the model at the best k.',
  params: {
    signals: {
      type: 'array',
      minItems: 1,
      items: signalEntry,
      default: [...SIGNAL_NAMES],
      description: 'Signals of the recipe: names (score params at their score/<signal> defaults) or {name, params...}, e.g. {name: task-relevance-mi, bins: 8}.',
    },
    fusion: {
      type: 'object',
      required: ['method'],
      additionalProperties: false,
      properties: {
        method: { enum: [...FUSION_METHODS], description: '`none`: order by the one signal given.' },
        ridge: { type: 'number', minimum: 0 },
        trees: noDefault(randomForestNode.params.trees!),
        seed: noDefault(randomForestNode.params.seed!),
        weights: { type: 'object', additionalProperties: { type: 'number' } },
      },
      default: { method: 'random-forest' },
      description: 'How the signals are fused each step: linear-regression or random-forest (in-sample on the current model\'s ablation drops on target_split), weighted-sum {weights}, rank-mean, or none; params default as in fuse/<method>.',
    },
    capture: {
      type: 'object',
      additionalProperties: false,
      properties: { batch: captureParams.batch!, eps: captureParams.eps!, split: captureParams.split! },
      default: {},
      description: 'signals/capture settings of each step (defaults as signals/capture); statistic groups follow from the signals.',
    },
    target_split: { enum: ['validation', 'test'], default: 'validation', description: 'Split of the ablation target that learned fusions fit each step.' },
    strategy: { type: 'string', description: 'Name of the strategy in the curve and reports. Absent: `iterative-<fusion method>`.' },
    ...curveParams,
  },
  inputs: curveInputs,
  outputs: curveOutputs,
  worker: true,
  // Recaptures the signals (a forward and backward pass on TF.js) after every removal.
  threadedWasm: () => true,
};

export const pruneNodes = family([ablationNode, sequentialNode, greedyNode, iterativeNode], () => import('./run/prune.js'));
