/**
 * Loss and gradients with a segment-wise backward (gradient checkpointing per encoder layer),
 * for shapes whose whole-model tape would not fit (on WASM's 4 GiB heap: bert-base at long
 * sequences; at sequence 128 and batch 8 the whole model fits). The forward keeps only each
 * layer's input below the top `taped` layers; the backward then recomputes one layer at a time
 * under its own tape (same dropout: stages draw from (seed, layer)) and frees it before the
 * next. Cost: one extra forward of the recomputed layers; memory: one layer's backward.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../types.js';
import type { BertClassifier } from './model.js';
import { embeddingStage, headStage, layerStage, layersStage, stageContext, type ForwardOptions, type ForwardResult } from './forward.js';
import { EMBEDDING_NAMES, HEAD_NAMES, LAYER_SUFFIXES, layerParamName } from './names.js';
import { crossEntropyLoss, type BatchLoss } from './loss.js';
import { readBack } from '../read-back.js';

export interface SegmentGrads {
  loss: number;
  grads: Map<string, tf.Tensor>;
  forward: ForwardResult;
}

/** A scalar tensor's value (then disposed), see read-back.ts. */
export async function readScalar(t: tf.Tensor): Promise<number> {
  try {
    return (await readBack(t))[0]!;
  } finally {
    t.dispose();
  }
}

/** d(sum(f(args) * dy))/d(args), computed and freed in one scope. */
function vjp(f: (...args: tf.Tensor[]) => tf.Tensor, args: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  return tf.grads(f)(args, dy);
}

export async function segmentLossAndGrads(model: BertClassifier, batch: Batch, labels: tf.Tensor1D, opts: ForwardOptions, taped = 0, lossFn: BatchLoss = crossEntropyLoss): Promise<SegmentGrads> {
  const layers = model.resolveLayers(opts.layers);
  const top = Math.max(0, Math.min(Math.floor(taped), layers.length));
  const bottom = layers.slice(0, layers.length - top);
  const topLayers = layers.slice(layers.length - top);
  const ctx = stageContext(model, batch, opts);
  const { B, S } = ctx;
  const H = model.config.hiddenSize;
  const capture = opts.capture ?? {};
  const inputs: tf.Tensor2D[] = [];
  const fwd: ForwardResult = { logits: undefined as unknown as tf.Tensor2D };
  const hidden: tf.Tensor3D[] = [];
  const attention: tf.Tensor4D[] = [];
  const ffnPre: tf.Tensor3D[] = [];
  const grads = new Map<string, tf.Tensor>();
  let lossT: tf.Tensor | undefined;
  try {
    // Forward without a tape through the bottom layers: keep each layer's input (and the captures).
    let x = tf.tidy(() => embeddingStage(ctx, batch));
    if (capture.hidden) hidden.push(tf.reshape(x, [B, S, H]) as tf.Tensor3D);
    x = layersStage(ctx, bottom, x, capture, { hidden, attention, ffnPre }, (input) => inputs.push(input));
    const last = x;

    // Top layers and head under one tape: loss and its gradients (w.r.t. the bottom's output,
    // the top layers' and the head's parameters). Captures of the top layers are kept.
    const topNames = topLayers.flatMap((l) => LAYER_SUFFIXES.map((sfx) => layerParamName(l, sfx)));
    const tapedNames = [...topNames, ...HEAD_NAMES];
    const tapedParams = tapedNames.map((n) => model.param(n));
    let dy = tf.tidy(() => {
      const { value, grads: g } = tf.valueAndGrads((...args: tf.Tensor[]) => {
        let h = args[0] as tf.Tensor2D;
        for (const l of topLayers) {
          const o = layerStage(ctx, l, h, { probs: capture.attention, pre: capture.ffnPre });
          h = o.y;
          if (o.probs) attention.push(o.probs);
          if (o.pre) {
            ffnPre.push(tf.keep(tf.reshape(o.pre, [B, S, model.config.intermediateSize]) as tf.Tensor3D));
            o.pre.dispose();
          }
          if (capture.hidden) hidden.push(tf.keep(tf.reshape(h, [B, S, H]) as tf.Tensor3D));
        }
        const logits = headStage(ctx, h);
        fwd.logits = tf.keep(logits);
        return lossFn(logits, labels, batch);
      })([last, ...tapedParams]);
      // Read after the backward: a read here would stall the GPU's queue mid-pass.
      lossT = tf.keep(value);
      tapedNames.forEach((n, i) => grads.set(n, tf.keep(g[i + 1]!)));
      return g[0]!;
    });
    last.dispose();

    // Layers, last to first: recompute under a tape, pull dy back, free everything else.
    for (let i = bottom.length - 1; i >= 0; i--) {
      const l = bottom[i]!;
      const names = LAYER_SUFFIXES.map((s) => layerParamName(l, s));
      const params = names.map((n) => model.param(n));
      const input = inputs[i]!;
      const next = tf.tidy(() => {
        const g = vjp((...args: tf.Tensor[]) => layerStage(ctx, l, args[0] as tf.Tensor2D).y, [input, ...params], dy);
        names.forEach((n, k) => grads.set(n, tf.keep(g[k + 1]!)));
        return g[0]!;
      });
      dy.dispose();
      dy = next as tf.Tensor2D;
      input.dispose();
    }
    inputs.length = 0;
    const embParams = EMBEDDING_NAMES.map((n) => model.param(n));
    const dyEmb = dy;
    tf.tidy(() => {
      const g = vjp(() => embeddingStage(ctx, batch), [...embParams], dyEmb);
      EMBEDDING_NAMES.forEach((n, k) => grads.set(n, tf.keep(g[k]!)));
    });
    dy.dispose();
    if (capture.hidden) fwd.hidden = hidden;
    if (capture.attention) fwd.attention = attention;
    if (capture.ffnPre) fwd.ffnPre = ffnPre;
    const loss = await readScalar(lossT!);
    return { loss, grads, forward: fwd };
  } catch (e) {
    for (const t of [...inputs, ...hidden, ...attention, ...ffnPre, ...grads.values()]) if (!t.isDisposed) t.dispose();
    fwd.logits?.dispose();
    if (lossT && !lossT.isDisposed) lossT.dispose();
    throw e;
  } finally {
    ctx.mask.dispose();
  }
}
