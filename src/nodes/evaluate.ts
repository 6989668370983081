/**
 * `model/evaluate`: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix
 * of a model (optionally with only some of its layers) on one split, through the shared
 * evaluation memo. `model/predict`: per-example predicted label, probabilities and logits as a
 * JSONL file in the node's output (published to results/, printed by `show --json`).
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import { SPLITS, type SplitName } from '../ml/data/split.js';
import type { EngineKind } from '../ml/engine/kinds.js';
import { ENGINE_PARAM, onTfjs } from './engine-param.js';
import { family } from './family.js';
import { checkLayerParam } from './static-facts.js';

export interface EvaluateParams {
  split: SplitName;
  layers?: number[];
  batch_size: number;
  engine: EngineKind;
}

const commonParams: Record<string, JsonSchema> = {
  split: { enum: [...SPLITS], default: 'test', description: 'Which split of the dataset to evaluate on.' },
  layers: {
    type: 'array',
    items: { type: 'integer', minimum: 0 },
    uniqueItems: true,
    description: "Kept encoder layers (0-based original indices), a subset of the model's. Absent: the model's own kept layers.",
  },
  batch_size: { type: 'integer', minimum: 1, default: 32, description: 'Examples per forward pass (does not change results).' },
  engine: ENGINE_PARAM,
};

const inputs = {
  model: { type: 'model' as const, description: 'The classifier.' },
  data: { type: 'dataset' as const, description: 'The dataset holding the split.' },
};

export const evaluateNode: NodeDecl<EvaluateParams> = {
  type: 'model/evaluate',
  version: 2,
  description: 'Accuracy, macro-F1, per-class precision/recall/F1 and confusion matrix of a model (or a subset of its layers) on one split; memoized across nodes and runs.',
  params: commonParams,
  inputs,
  outputs: { evaluation: { type: 'evaluation', description: 'The metrics as JSON.' } },
  worker: true,
  threadedWasm: (p, run) => onTfjs(p.engine, run.engine),
  check: (ctx) => checkLayerParam(ctx),
};

export const predictNode: NodeDecl<EvaluateParams> = {
  type: 'model/predict',
  version: 2,
  description: 'Per-example predicted label, probabilities and logits on one split, as predictions.jsonl (with the text and true label, to inspect errors).',
  params: commonParams,
  inputs,
  outputs: {
    predictions: {
      type: 'predictions',
      publish: true,
      description: 'files[predictions.jsonl]: one object a line {index, text, label, label_id, predicted, predicted_id, correct, probabilities, logits}; plus accuracy and the engine that ran (`backend`).',
    },
  },
  worker: true,
  threadedWasm: (p, run) => onTfjs(p.engine, run.engine),
  check: (ctx) => checkLayerParam(ctx),
};

export const evaluateNodes = family([evaluateNode, predictNode], () => import('./run/evaluate.js'));
