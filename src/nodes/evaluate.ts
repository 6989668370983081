/**
 * `model/evaluate`: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix
 * of a model (optionally with only some of its layers) on one split, through the shared
 * evaluation memo. `model/predict`: per-example predicted label, probabilities and logits as a
 * JSONL file in the node's output (published to results/, printed by `show --json`).
 */
import type { DatasetManifest, SplitName } from '../ml/data/index.js';
import { evaluateMemo, EVALUATION_FORMAT, predictSplit, releaseEvalCache } from './eval-memo.js';
import { asModelManifest } from './model-artifact.js';
import { NodeError, type Artifact, type BlobRef, type JsonSchema, type NodeType } from './types.js';

export interface EvaluateParams {
  split?: SplitName;
  layers?: number[];
  batch_size?: number;
}

// Spelled out here: node modules must not import src/ml at top level (planning stays light).
const SPLITS: readonly SplitName[] = ['train', 'validation', 'test', 'calibration'];

const commonParams: Record<string, JsonSchema> = {
  split: { enum: [...SPLITS], default: 'test', description: 'Which split of the dataset to evaluate on.' },
  layers: {
    type: 'array',
    items: { type: 'integer', minimum: 0 },
    uniqueItems: true,
    description: "Kept encoder layers (0-based original indices), a subset of the model's. Absent: the model's own kept layers.",
  },
  batch_size: { type: 'integer', minimum: 1, default: 32, description: 'Examples per forward pass (does not change results).' },
};

const inputs = {
  model: { type: 'model' as const, description: 'The classifier.' },
  data: { type: 'dataset' as const, description: 'The dataset holding the split.' },
};

function datasetOf(input: Artifact | Artifact[] | undefined, nodeId: string): DatasetManifest {
  if (input === undefined || Array.isArray(input) || input.type !== 'dataset') throw new NodeError(`${nodeId}: input data must be one dataset`);
  const m = input.manifest as Partial<DatasetManifest> | null;
  if (!m || m.format !== 'layerfuse/dataset@1') throw new NodeError(`${nodeId}: input data (from ${input.from.node}) is not a layerfuse dataset`);
  return m as DatasetManifest;
}

export const evaluateNode: NodeType<EvaluateParams> = {
  type: 'model/evaluate',
  version: 1,
  description: 'Accuracy, macro-F1, per-class precision/recall/F1 and confusion matrix of a model (or a subset of its layers) on one split; memoized across nodes and runs.',
  params: commonParams,
  inputs,
  outputs: { evaluation: { type: 'evaluation', description: 'The metrics as JSON.' } },
  worker: true,

  async run(ctx, p, inp) {
    const model = asModelManifest(inp.model, ctx.nodeId);
    const data = datasetOf(inp.data, ctx.nodeId);
    try {
      const ev = await evaluateMemo(ctx, model, data, p.split ?? 'test', p.layers, { batchSize: p.batch_size ?? 32 });
      // Per-example predictions stay in the memo (for statistics); model/predict publishes them.
      const { predictions: _predictions, ...metrics } = ev;
      return { evaluation: { ...metrics, format: EVALUATION_FORMAT, numLayers: ev.layers.length } };
    } finally {
      releaseEvalCache();
    }
  },
};

/** Floats in predictions.jsonl: 7 significant digits (float32 holds about that many). */
const r7 = (x: number): number => Number(x.toPrecision(7));

export const predictNode: NodeType<EvaluateParams> = {
  type: 'model/predict',
  version: 1,
  description: 'Per-example predicted label, probabilities and logits on one split, as predictions.jsonl (with the text and true label, to inspect errors).',
  params: commonParams,
  inputs,
  outputs: {
    predictions: {
      type: 'predictions',
      publish: true,
      description: 'files[predictions.jsonl]: one object a line {index, text, label, label_id, predicted, predicted_id, correct, probabilities, logits}; plus accuracy.',
    },
  },
  worker: true,

  async run(ctx, p, inp) {
    const model = asModelManifest(inp.model, ctx.nodeId);
    const data = datasetOf(inp.data, ctx.nodeId);
    const split = p.split ?? 'test';
    const { softmaxRow } = await import('../ml/eval/index.js');
    try {
      const { outputs, examples, layers, backend } = await predictSplit(ctx, model, data, split, p.layers, { batchSize: p.batch_size ?? 32 });
      const C = data.labels.length;
      let correct = 0;
      const lines = examples.map((e, i) => {
        const logits = Array.from(outputs.logits.subarray(i * C, (i + 1) * C));
        const pred = outputs.predictions[i] as number;
        if (pred === e.label) correct++;
        return JSON.stringify({
          index: i,
          text: e.text,
          label: data.labels[e.label],
          label_id: e.label,
          predicted: data.labels[pred],
          predicted_id: pred,
          correct: pred === e.label,
          probabilities: softmaxRow(logits).map(r7),
          logits: logits.map(r7),
        });
      });
      const file: BlobRef = await ctx.putBytes(new TextEncoder().encode(lines.join('\n') + (lines.length ? '\n' : '')));
      return {
        predictions: {
          format: 'layerfuse/predictions@1',
          split,
          layers,
          backend,
          labels: data.labels,
          numExamples: examples.length,
          accuracy: examples.length ? correct / examples.length : 0,
          files: { 'predictions.jsonl': file },
        },
      };
    } finally {
      releaseEvalCache();
    }
  },
};

export const evaluateNodes: ReadonlyArray<NodeType<never>> = [evaluateNode, predictNode] as unknown as ReadonlyArray<NodeType<never>>;
