/** From labelled examples to the examples of every split. */
import type { Example } from '../types.js';
import type { LabelledData } from './examples.js';
import { SPLITS, stratifiedSplit, type SplitName, type SplitOptions } from './split.js';

export interface BuiltSplits {
  labels: string[];
  splits: Record<SplitName, Example[]>;
  counts: Record<SplitName, number[]>;
}

export function buildSplits(data: LabelledData, opts: SplitOptions, file: string): BuiltSplits {
  const { indices, counts } = stratifiedSplit(data.examples.map((e) => e.label), data.labels, opts, file);
  const splits = {} as Record<SplitName, Example[]>;
  for (const s of SPLITS) {
    splits[s] = indices[s].map((i) => {
      const e = data.examples[i] as Example;
      return { text: e.text, label: e.label };
    });
  }
  return { labels: data.labels, splits, counts };
}
