/** Run body of `signals/capture`: one pass over the split, the statistics stored as tensors. */
import { NodeError } from '../../artifacts/errors.js';
import type { TensorRef } from '../../artifacts/types.js';
import { asModelManifest } from '../../ml/bert/manifest.js';
import { loadModel } from '../../ml/bert/store.js';
import { asDatasetManifest, isSplitName, makeBatches, readSplit } from '../../ml/data/index.js';
import { captureStats, classCount, storeCaptured, WEIGHT_MATRIX_SUFFIXES } from '../../ml/signals/index.js';
import { asTokenizerManifest, loadTokenizer } from '../../ml/tokenizer/index.js';
import { implement } from '../family.js';
import { captureNode } from '../signals.js';
import { useBackend } from './common.js';
import { releaseTfjsModel } from './engines.js';

/** Per kept layer: its six weight matrices' refs, copied from the model manifest. */
function weightRefs(tensors: Record<string, TensorRef>, layers: readonly number[], nodeId: string): Record<string, TensorRef[]> {
  const out: Record<string, TensorRef[]> = {};
  for (const l of layers) {
    out[String(l)] = WEIGHT_MATRIX_SUFFIXES.map((s) => {
      const ref = tensors[`bert.encoder.layer.${l}.${s}`];
      if (!ref) throw new NodeError(`${nodeId}: the model manifest lacks bert.encoder.layer.${l}.${s}`);
      return ref;
    });
  }
  return out;
}

export default [
  implement(captureNode, async (ctx, p, inputs) => {
    const modelM = inputs.one('model', asModelManifest);
    const dataset = inputs.one('data', asDatasetManifest);
    const split = p.split;
    if (!isSplitName(split)) throw new NodeError(`${ctx.nodeId}: unknown split '${split}' (train, validation, test or calibration)`);
    if (modelM.labels.length !== dataset.labels.length) {
      throw new NodeError(`${ctx.nodeId}: the model has ${modelM.labels.length} classes but the dataset has ${dataset.labels.length}`);
    }
    await useBackend(ctx);
    const examples = await readSplit(ctx, dataset, split);
    const labels = Int32Array.from(examples, (e) => e.label);
    // One class says nothing about task relevance: refuse it before the pass, not after.
    classCount(labels, `${split} split: `);
    const tokManifest = asTokenizerManifest(modelM.tokenizer, "the model's tokenizer");
    const tok = await loadTokenizer(ctx, tokManifest, { maxLength: Math.min(tokManifest.maxLength, modelM.config.maxPositions) });
    const encoded = { ids: tok.encode(examples.map((e) => e.text)), labels };
    // Split order, no length sorting: the gradient signals depend on which examples share a batch.
    const batches = makeBatches(encoded, p.batch, { padTokenId: tok.specialIds.pad });
    // A model an earlier node of this worker left loaded would share the gradients' memory.
    releaseTfjsModel();
    const loaded = await loadModel(ctx, modelM);
    let stats;
    try {
      stats = await captureStats(loaded.model, batches, {
        eps: p.eps,
        groups: p.tensors,
        onBatch: (done, total) => ctx.progress({ done, total, message: `capture ${split}` }),
      });
    } finally {
      loaded.dispose();
    }
    ctx.log(`captured ${stats.n} ${split} examples (${stats.tokens} tokens) in ${batches.length} batches of ${p.batch}, layers [${stats.layers.join(', ')}], groups ${p.tensors.join(', ')}`);
    return { signals: await storeCaptured(ctx, stats, { split, batch: p.batch, weights: weightRefs(modelM.tensors, stats.layers, ctx.nodeId) }) };
  }),
];
