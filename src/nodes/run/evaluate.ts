/** Run bodies of `model/evaluate` and `model/predict`. */
import type { BlobRef } from '../../artifacts/types.js';
import { asModelManifest } from '../../ml/bert/manifest.js';
import { asDatasetManifest } from '../../ml/data/index.js';
import { softmaxRow } from '../../ml/eval/index.js';
import { evaluateNode, predictNode } from '../evaluate.js';
import { implement } from '../family.js';
import { evaluateMemo, EVALUATION_FORMAT, predictSplit, releaseEvalCache } from './eval-memo.js';

/** Floats in predictions.jsonl: 7 significant digits (float32 holds about that many). */
const r7 = (x: number): number => Number(x.toPrecision(7));

export default [
  implement(evaluateNode, async (ctx, p, inputs) => {
    const model = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    try {
      const ev = await evaluateMemo(ctx, { model, dataset: data, split: p.split, layers: p.layers }, { batchSize: p.batch_size, engine: p.engine });
      // Per-example predictions stay in the memo (for statistics); model/predict publishes them.
      const { predictions: _predictions, ...metrics } = ev;
      return { evaluation: { ...metrics, format: EVALUATION_FORMAT, numLayers: ev.layers.length } };
    } finally {
      releaseEvalCache();
    }
  }),

  implement(predictNode, async (ctx, p, inputs) => {
    const model = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    try {
      const { outputs, examples, layers, backend } = await predictSplit(ctx, { model, dataset: data, split: p.split, layers: p.layers }, { batchSize: p.batch_size, engine: p.engine });
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
          split: p.split,
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
  }),
];
