/**
 * `prune/ablation`: the single-layer ablation drop acc(full) - acc(full without l) of every kept
 * layer on the validation split (docs/method.md: the fusion target; never the test split by
 * default), through the memoized evaluations of run/eval-memo.ts, so an ablated subset evaluated
 * elsewhere (a pruning curve reaching the same layers) is computed once.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import { SPLITS, type SplitName } from '../ml/data/split.js';
import { ENGINE_PARAM } from './engine-param.js';
import { family } from './family.js';

export interface AblationParams {
  split: SplitName;
  batch: number;
  engine?: string;
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
};

export const pruneNodes = family([ablationNode], () => import('./run/prune.js'));
