/**
 * `signals/capture`: ONE forward and backward pass over the calibration split collecting what
 * all twelve signals need (src/ml/signals/capture.ts), stored as tensors in a `signals`
 * manifest. Only parameters that change what is aggregated live here (`batch`, attention `eps`,
 * which statistic groups); everything applied afterwards belongs to the score nodes, so changing
 * a score's `bins` reruns that score alone.
 *
 * Weight signals: the manifest carries the TensorRefs of each layer's six weight matrices,
 * copied from the model manifest (the store is content-addressed, so this costs nothing) and
 * read by score/weight-* directly: no weight statistic is computed here, because `tau` and the
 * histogram `bins` are score parameters.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import { CAPTURE_GROUPS, type CaptureGroup } from '../ml/signals/types.js';
import { family } from './family.js';
import { factsOf, sameLayers } from './static-facts.js';

export interface CaptureParams {
  batch: number;
  eps: number;
  tensors: CaptureGroup[];
  split: string;
}

export const captureParams: Record<string, JsonSchema> = {
  batch: {
    type: 'integer',
    minimum: 1,
    default: 16,
    description: 'Calibration examples per forward/backward pass; gradient signals average the per-batch gradients, so this changes them.',
  },
  eps: { type: 'number', minimum: 0, default: 1e-10, description: 'eps inside ln(a + eps) of the attention entropy.' },
  tensors: {
    type: 'array',
    items: { enum: [...CAPTURE_GROUPS] },
    uniqueItems: true,
    minItems: 1,
    default: [...CAPTURE_GROUPS],
    description:
      'Statistic groups to keep: `hidden` (layer outputs: activation and MI signals), `ffn` (FFN pre-activations: inhibition with tensor: ffn), `attention`, `gradients` (needs the backward pass). Weight signals need none.',
  },
  split: { type: 'string', default: 'calibration', description: 'Dataset split to capture over.' },
};

export const captureNode: NodeDecl<CaptureParams> = {
  type: 'signals/capture',
  version: 1,
  description:
    'One forward and backward pass over the calibration split collecting what every layer-importance signal needs (activation, attention and gradient statistics, pooled and [CLS] vectors per example), stored as tensors.',
  params: captureParams,
  inputs: {
    model: { type: 'model', description: 'The fine-tuned, unpruned classifier (or any kept-layer variant: its kept layers are scored).' },
    data: { type: 'dataset', description: 'The dataset; its calibration split is read (see `split`).' },
  },
  outputs: { signals: { type: 'signals', description: 'Captured statistics, read by the score/* nodes.' } },
  facts: (_p, inputs) => ({ signals: sameLayers(factsOf(inputs, 'model')) }),
  worker: true,
  // One forward and backward pass over the calibration set, on TF.js.
  threadedWasm: () => true,
};

export const signalsNodes = family([captureNode], () => import('./run/signals.js'));
