/**
 * The encoder layer's hand-written backward (src/ml/bert/layer.ts) against TF.js autodiff of an
 * independent op-by-op reference of the same layer: all 17 gradients (input and 16 parameters),
 * with padding in the attention mask and with and without dropout masks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { initBackend } from '../../../src/ml/backend.js';
import { encoderLayer, type LayerMasks, type LayerParams } from '../../../src/ml/bert/layer.js';

const B = 2;
const S = 5;
const H = 8;
const heads = 2;
const I = 12;
const eps = 1e-12;

function reference(x: tf.Tensor, p: tf.Tensor[], mask: tf.Tensor, m: LayerMasks): tf.Tensor {
  const [wq, bq, wk, bk, wv, bv, wo, bo, g1, b1, wi, bi, wf, bf, g2, b2] = p as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const d = H / heads;
  const lin = (t: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(tf.matMul(t, w), b);
  const split = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [B, S, heads, d]), [0, 2, 1, 3]);
  const ln = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(t, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, eps))), g), b);
  };
  const drop = (t: tf.Tensor, mk: tf.Tensor | null): tf.Tensor => (mk ? tf.mul(t, mk) : t);
  const q = split(lin(x, wq, bq));
  const k = split(lin(x, wk, bk));
  const v = split(lin(x, wv, bv));
  const probs = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), mask));
  const ctx = tf.reshape(tf.transpose(tf.matMul(drop(probs, m.attention), v), [0, 2, 1, 3]), [B * S, H]);
  const a = ln(tf.add(drop(lin(ctx, wo, bo), m.attentionOut), x), g1, b1);
  const pre = lin(a, wi, bi);
  const gelu = tf.mul(tf.mul(pre, 0.5), tf.add(tf.erf(tf.div(pre, Math.SQRT2)), 1));
  return ln(tf.add(drop(lin(gelu, wf, bf), m.ffnOut), a), g2, b2);
}

const SHAPES: number[][] = [[H, H], [H], [H, H], [H], [H, H], [H], [H, H], [H], [H], [H], [H, I], [I], [I, H], [H], [H], [H]];

for (const dropout of [false, true]) {
  void test(`encoder layer backward equals autodiff of an op-by-op reference (${dropout ? 'with' : 'without'} dropout masks)`, async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([B * S, H], 0, 1, 'float32', 1);
    const params = SHAPES.map((shape, i) => (shape.length === 1 && (i === 8 || i === 14) ? tf.tidy(() => tf.add(tf.randomNormal(shape, 0, 0.1, 'float32', 50 + i), 1)) : tf.randomNormal(shape, 0, 0.5, 'float32', 10 + i)));
    // Second sequence padded after 3 tokens.
    const mask = tf.tensor([0, 0, 0, 0, 0, 0, 0, 0, -1e9, -1e9], [B, 1, 1, S]);
    const multiplier = (shape: number[], seed: number): tf.Tensor => tf.tidy(() => tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), 0.7)), 0.7));
    const masks: LayerMasks = dropout
      ? { attention: multiplier([B, heads, S, S], 2), attentionOut: multiplier([B * S, H], 3), ffnOut: multiplier([B * S, H], 4) }
      : { attention: null, attentionOut: null, ffnOut: null };
    const dy = tf.randomNormal([B * S, H], 0, 1, 'float32', 5);
    const shape = { B, S, heads, eps };
    const ours = tf.grads((...args: tf.Tensor[]) => encoderLayer(args[0] as tf.Tensor2D, args.slice(1) as unknown as LayerParams, mask, masks, shape).y)([x, ...params], dy);
    const ref = tf.grads((...args: tf.Tensor[]) => reference(args[0]!, args.slice(1), mask, masks))([x, ...params], dy);
    const yOurs = encoderLayer(x as tf.Tensor2D, params as unknown as LayerParams, mask, masks, shape).y;
    const yRef = tf.tidy(() => reference(x, params, mask, masks));
    const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    const maxAbs = (a: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]!);
    assert.ok(maxDiff(yOurs, yRef) < 1e-5, `forward differs by ${maxDiff(yOurs, yRef)}`);
    assert.equal(ours.length, 17);
    ours.forEach((g, i) => {
      assert.deepEqual(g.shape, ref[i]!.shape, `grad ${i} shape`);
      const diff = maxDiff(g, ref[i]!);
      assert.ok(diff <= 1e-4 * Math.max(1, maxAbs(ref[i]!)), `grad ${i} (${i === 0 ? 'x' : `param ${i - 1}`}) differs by ${diff}`);
    });
    tf.dispose([x, ...params, mask, dy, ...ours, ...ref, yOurs, yRef]);
    for (const m of [masks.attention, masks.attentionOut, masks.ffnOut]) m?.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });
}

void test('encoder layer captures: attention probabilities sum to 1, padding gets none, captures are the caller\'s', async () => {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([B * S, H], 0, 1, 'float32', 1);
  const params = SHAPES.map((shape, i) => tf.randomNormal(shape, 0, 0.5, 'float32', 10 + i));
  const mask = tf.tensor([0, 0, 0, 0, 0, 0, 0, 0, -1e9, -1e9], [B, 1, 1, S]);
  const out = encoderLayer(x as tf.Tensor2D, params as unknown as LayerParams, mask, { attention: null, attentionOut: null, ffnOut: null }, { B, S, heads, eps }, { probs: true, pre: true });
  assert.deepEqual(out.probs!.shape, [B, heads, S, S]);
  assert.deepEqual(out.pre!.shape, [B * S, I]);
  const p = out.probs!.arraySync();
  for (const row of p.flat(2)) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
  for (const row of p[1]!.flat(1)) assert.ok(row[3]! === 0 && row[4]! === 0, 'padded keys get exactly 0');
  tf.dispose([x, ...params, mask, out.y, out.probs!, out.pre!]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

void test('dropout masks: the rate is honoured, a seed repeats exactly, successive calls differ', async () => {
  await initBackend('wasm');
  const { DropoutRng } = await import('../../../src/ml/bert/ops.js');
  const draw = (seed: number, calls: number): Float32Array[] => {
    const rng = new DropoutRng(seed);
    return Array.from({ length: calls }, () => {
      const m = rng.mask([200, 500], 0.25)!;
      const v = m.dataSync() as Float32Array;
      m.dispose();
      return v;
    });
  };
  const [a1, a2] = draw(7, 2);
  const [b1] = draw(7, 1);
  assert.deepEqual(b1, a1, 'same seed, same first mask');
  assert.notDeepEqual(a2, a1, 'the second call draws a new mask');
  assert.notDeepEqual(draw(8, 1)[0], a1, 'another seed, another mask');
  const dropped = a1!.filter((v) => v === 0).length / a1!.length;
  assert.ok(Math.abs(dropped - 0.25) < 0.01, `dropped ${dropped}`);
  assert.ok(a1!.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6), 'kept units are scaled by 1/keep');
  assert.equal(new DropoutRng(1).mask([3], 0), null);
  assert.throws(() => new DropoutRng(1).mask([3], 1), /outside \[0, 1\)/);
});

void test('batchMatMul (per-matrix XNNPACK on WASM) equals tf.matMul, transposed operands included', async () => {
  await initBackend('wasm');
  const { batchMatMul } = await import('../../../src/ml/bert/ops.js');
  const before = tf.memory().numTensors;
  for (const [sa, sb, ta, tb] of [
    [[2, 3, 4, 5], [2, 3, 5, 6], false, false],
    [[2, 3, 5, 4], [2, 3, 5, 6], true, false],
    [[2, 3, 4, 5], [2, 3, 6, 5], false, true],
    [[2, 3, 5, 4], [2, 3, 6, 5], true, true],
    [[4, 5], [6, 5], false, true],
    [[5, 4], [5, 6], true, false],
  ] as const) {
    const a = tf.randomNormal([...sa], 0, 1, 'float32', 1);
    const b = tf.randomNormal([...sb], 0, 1, 'float32', 2);
    const ours = batchMatMul(a, b, ta, tb);
    const ref = tf.matMul(a, b, ta, tb);
    assert.deepEqual(ours.shape, ref.shape);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]!);
    assert.ok(diff < 1e-5, `${JSON.stringify([sa, sb, ta, tb])}: differs by ${diff}`);
    tf.dispose([a, b, ours, ref]);
  }
  assert.equal(tf.memory().numTensors, before);
});

void test('sumRows (a JS loop over the WASM heap) equals tf.sum over axis 0', async () => {
  await initBackend('wasm');
  const { sumRows } = await import('../../../src/ml/bert/ops.js');
  const t = tf.randomNormal([37, 11], 0, 1, 'float32', 3);
  const ours = sumRows(t);
  const ref = tf.sum(t, 0);
  assert.deepEqual(ours.shape, [11]);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]!);
  assert.ok(diff < 1e-5, `differs by ${diff}`);
  tf.dispose([t, ours, ref]);
});
