/**
 * One post-LN BERT encoder layer as a single differentiable op: the forward with Hugging Face
 * semantics and a hand-written backward.
 *
 * Why by hand (and not TF.js autodiff of the ops): TF.js keeps every intermediate gradient of a
 * backward pass alive until the whole pass ends and saves each op's inputs separately, so an
 * autodiffed bert-base layer at batch 8 holds ~250 MB on the tape; twelve of them outgrow WASM's
 * 4 GiB heap, which forced a recomputing (gradient-checkpointed) backward costing most of an
 * extra forward. As one custom-gradient op the layer saves only what its backward reads (input,
 * Q/K/V heads, attention probabilities, the attention context, the two LayerNorms' normalized
 * inputs and 1/σ, the GELU input and Φ, dropout masks: ~66 MB at that shape), and its backward
 * runs in its own tidy, so nothing but dx and the parameter gradients outlives it. Every product
 * is a plain (untransposed) matMul with explicit transposes, which WASM runs 14-40x faster than
 * the transposed forms.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul, geluCdf, geluGradFromCdf, normalize, normalizeGrad, sumRows } from './ops.js';

/** The 16 tensors of one layer, in names.ts LAYER_SUFFIXES order (kernels [in, out]). */
export type LayerParams = readonly [
  wq: tf.Tensor, bq: tf.Tensor, wk: tf.Tensor, bk: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor,
  wo: tf.Tensor, bo: tf.Tensor, g1: tf.Tensor, b1: tf.Tensor,
  wi: tf.Tensor, bi: tf.Tensor, wf: tf.Tensor, bf: tf.Tensor, g2: tf.Tensor, b2: tf.Tensor,
];

export interface LayerShape {
  B: number;
  S: number;
  heads: number;
  eps: number;
}

/**
 * Dropout multipliers of one layer (0 or 1/keep, as tf.dropout draws them), or null where that
 * dropout is off: attention probabilities [B, heads, S, S], attention output and FFN output
 * [B*S, H].
 */
export interface LayerMasks {
  attention: tf.Tensor | null;
  attentionOut: tf.Tensor | null;
  ffnOut: tf.Tensor | null;
}

export interface LayerCaptureWant {
  probs?: boolean;
  pre?: boolean;
}

export interface FusedLayerOutput {
  y: tf.Tensor2D;
  /** Attention probabilities [B, heads, S, S] when asked (kept: the caller disposes). */
  probs?: tf.Tensor4D;
  /** GELU input [B*S, intermediate] when asked (kept: the caller disposes). */
  pre?: tf.Tensor2D;
}

const maybeMul = (t: tf.Tensor, m: tf.Tensor | null): tf.Tensor => (m ? tf.mul(t, m) : t);

/**
 * The layer on x [B*S, H] with the additive attention mask [B, 1, 1, S]. Differentiable with
 * respect to x and the 16 parameters (the mask and dropout masks are constants).
 */
export function encoderLayer(x: tf.Tensor2D, params: LayerParams, mask: tf.Tensor, masks: LayerMasks, shape: LayerShape, want: LayerCaptureWant = {}): FusedLayerOutput {
  const { B, S, heads, eps } = shape;
  const [wq, bq, wk, bk, wv, bv, wo, bo, g1, b1, wi, bi, wf, bf, g2, b2] = params;
  const N = B * S;
  const H = x.shape[1];
  const d = H / heads;
  const scale = 1 / Math.sqrt(d);
  const captured: { probs?: tf.Tensor4D; pre?: tf.Tensor2D } = {};

  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // Runs inside the engine's tidy: everything not returned, saved or kept is freed here.
    const heads4 = (t: tf.Tensor, perm: number[]): tf.Tensor => tf.transpose(tf.reshape(t, [B, S, heads, d]), perm);
    const qh = heads4(tf.mul(tf.add(tf.matMul(xi, wq), bq), scale), [0, 2, 1, 3]);
    const khT = heads4(tf.add(tf.matMul(xi, wk), bk), [0, 2, 3, 1]);
    const vh = heads4(tf.add(tf.matMul(xi, wv), bv), [0, 2, 1, 3]);
    const probs = tf.softmax(tf.add(batchMatMul(qh, khT), mask));
    const ctxh = batchMatMul(maybeMul(probs, masks.attention), vh);
    const ctx = tf.reshape(tf.transpose(ctxh, [0, 2, 1, 3]), [N, H]);
    const attnOut = maybeMul(tf.add(tf.matMul(ctx, wo), bo), masks.attentionOut);
    const n1 = normalize(tf.add(attnOut, xi), eps);
    const a = tf.add(tf.mul(n1.xhat, g1), b1);
    const pre = tf.add(tf.matMul(a, wi), bi);
    const cdf = geluCdf(pre);
    const ffn = maybeMul(tf.add(tf.matMul(tf.mul(pre, cdf), wf), bf), masks.ffnOut);
    const n2 = normalize(tf.add(ffn, a), eps);
    const y = tf.add(tf.mul(n2.xhat, g2), b2);
    if (want.probs) captured.probs = tf.keep(probs) as tf.Tensor4D;
    if (want.pre) captured.pre = tf.keep(pre) as tf.Tensor2D;
    // Saved (copied on WASM) only when a tape records; the parameters are read from the
    // closure: they outlive the backward (model variables, or the caller's tensors).
    // The dropout masks are saved too: the forward's scope frees them before a backward runs.
    const dropMasks = [masks.attention, masks.attentionOut, masks.ffnOut];
    save([xi, qh, khT, vh, probs, ctx, n1.xhat, n1.rstd, pre, cdf, n2.xhat, n2.rstd, ...dropMasks.filter((m): m is tf.Tensor => m !== null)]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const [sx, sqh, skhT, svh, sprobs, sctx, xhat1, rstd1, spre, scdf, xhat2, rstd2] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        let next = 12;
        const [mAttn, mAttnOut, mFfn] = dropMasks.map((m) => (m ? saved[next++]! : null)) as [tf.Tensor | null, tf.Tensor | null, tf.Tensor | null];
        // Linear layers' weight and bias gradients, in whichever of two forms packs the smaller
        // matrix: XNNPACK packs a matMul's right operand anew for every new tensor, and with
        // the long shared axis (B*S) that packing and the thin left operand make the form with
        // the wider right operand up to 2x slower per flop (measured: FFN kernels).
        //  - out <= in: dW = inputᵀ · dOut; db = ones · dOut, ~1 ms because XNNPACK reuses the
        //    dOut it just packed (WASM's Sum over axis 0 transposes first: 7-30 ms).
        //  - out > in: dW = (dOutᵀ · input)ᵀ; db = dOutᵀ summed over its last axis (fast).
        const ones = tf.ones([1, N]);
        const linearGrads = (input: tf.Tensor, dOut: tf.Tensor): [tf.Tensor, tf.Tensor] => {
          if (dOut.shape[1]! <= input.shape[1]!) {
            return [tf.matMul(tf.transpose(input) as tf.Tensor2D, dOut as tf.Tensor2D), tf.reshape(tf.matMul(ones, dOut as tf.Tensor2D), [dOut.shape[1]!])];
          }
          const dOutT = tf.transpose(dOut) as tf.Tensor2D;
          return [tf.transpose(tf.matMul(dOutT, input as tf.Tensor2D)), tf.sum(dOutT, 1)];
        };
        // Output LayerNorm.
        const dg2 = sumRows(tf.mul(dy, xhat2));
        const db2 = sumRows(dy);
        const dr2 = normalizeGrad(dy, xhat2, rstd2, g2);
        // FFN: y2 = gelu(pre) · wf + bf, pre = a · wi + bi.
        const dffn = maybeMul(dr2, mFfn);
        const [dwf, dbf] = linearGrads(tf.mul(spre, scdf), dffn);
        const dpre = tf.mul(tf.matMul(dffn, tf.transpose(wf)), geluGradFromCdf(spre, scdf));
        const [dwi, dbi] = linearGrads(tf.add(tf.mul(xhat1, g1), b1), dpre);
        const da = tf.add(dr2, tf.matMul(dpre, tf.transpose(wi)));
        // Attention LayerNorm.
        const dg1 = sumRows(tf.mul(da, xhat1));
        const db1 = sumRows(da);
        const dr1 = normalizeGrad(da, xhat1, rstd1, g1);
        // Attention output projection.
        const dattn = maybeMul(dr1, mAttnOut);
        const [dwo, dbo] = linearGrads(sctx, dattn);
        const dctxh = tf.transpose(tf.reshape(tf.matMul(dattn, tf.transpose(wo)), [B, S, heads, d]), [0, 2, 1, 3]);
        // ctx = (probs ⊙ m) · V; probs = softmax(Q Kᵀ + mask).
        // dVᵀ = dCtxᵀ · P: transposes the [S, d] gradient rather than the [S, S] probabilities.
        const dvhT = batchMatMul(dctxh, maybeMul(sprobs, mAttn), true, false);
        const dprobs = maybeMul(batchMatMul(dctxh, svh, false, true), mAttn);
        const dscores = tf.mul(sprobs, tf.sub(dprobs, tf.sum(tf.mul(dprobs, sprobs), -1, true)));
        const dqh = batchMatMul(dscores, skhT, false, true);
        const dkhT = batchMatMul(sqh, dscores, true, false);
        const dq = tf.mul(tf.reshape(tf.transpose(dqh, [0, 2, 1, 3]), [N, H]), scale);
        const dk = tf.reshape(tf.transpose(dkhT, [0, 3, 1, 2]), [N, H]);
        const dv = tf.reshape(tf.transpose(dvhT, [0, 3, 1, 2]), [N, H]);
        const xT = tf.transpose(sx) as tf.Tensor2D;
        const [dwq, dbq, dwk, dbk, dwv, dbv] = [dq, dk, dv].flatMap((g) => [tf.matMul(xT, g as tf.Tensor2D), tf.reshape(tf.matMul(ones, g as tf.Tensor2D), [H])]) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const dx = tf.addN([dr1, tf.matMul(dq, tf.transpose(wq)), tf.matMul(dk, tf.transpose(wk)), tf.matMul(dv, tf.transpose(wv))]);
        return [dx, dwq, dbq, dwk, dbk, dwv, dbv, dwo, dbo, dg1, db1, dwi, dbi, dwf, dbf, dg2, db2];
      }),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  const y = op(x, ...params) as tf.Tensor2D;
  return { y, ...captured };
}
