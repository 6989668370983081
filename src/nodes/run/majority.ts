/**
 * The majority-class check of trained and distilled models: validation accuracy at or below
 * always predicting the train split's majority class becomes a run warning naming the node
 * (the evaluation is memoized, so the curves and ablations that evaluate the same model on
 * validation later read it for free).
 */
import type { NodeContext } from '../../artifacts/node-context.js';
import type { ModelManifest } from '../../ml/bert/manifest.js';
import type { DatasetManifest } from '../../ml/data/index.js';
import { majorityBaseline, majorityWarning } from '../../ml/eval/index.js';
import { evaluateMemo } from './eval-memo.js';

/** Returns the validation accuracy (undefined when the dataset has no validation examples). */
export async function checkAgainstMajority(ctx: NodeContext, model: ModelManifest, data: DatasetManifest, what: string, opts: { accuracy?: number } = {}): Promise<number | undefined> {
  const n = data.counts.validation.reduce((a, b) => a + b, 0);
  if (n === 0) {
    ctx.log(`${what}: no validation examples, so no majority-class check`);
    return undefined;
  }
  const accuracy = opts.accuracy ?? (await evaluateMemo(ctx, { model, dataset: data, split: 'validation' })).accuracy;
  const base = majorityBaseline(data.counts.train, data.counts.validation);
  ctx.log(`${what}: validation accuracy ${accuracy.toFixed(4)}; always predicting the majority class '${data.labels[base.label]}' scores ${base.accuracy.toFixed(4)}`);
  const w = majorityWarning(what, accuracy, 'validation', base, data.labels);
  if (w) ctx.warn(w);
  return accuracy;
}
