/**
 * The paths taken off WASM (plain CPU here; tfjs-node and tfjs-node-gpu take the same ones):
 * batched matMuls through tf.matMul, tf.exp in the GELU gradient, AdamW in `ops` mode. A
 * training step on the CPU backend must match the same step on WASM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/ml/backend.js';
import { BertClassifier } from '../../src/ml/bert/model.js';
import { makeConfig } from '../../src/ml/bert/config.js';
import { lossAndGrads, disposeLossAndGrads } from '../../src/ml/bert/gradients.js';
import { AdamW } from '../../src/ml/train/index.js';
import type { Batch } from '../../src/ml/types.js';

interface StepResult {
  mode: string;
  loss: number;
  grads: Map<string, Float32Array>;
  params: Map<string, Float32Array>;
}

async function oneStep(backend: 'wasm' | 'cpu'): Promise<StepResult> {
  await initBackend(backend);
  assert.equal(tf.getBackend(), backend);
  const config = makeConfig({ vocabSize: 20, numLabels: 2, hiddenSize: 8, numLayers: 2, numHeads: 2, intermediateSize: 16, maxPositions: 16 });
  const model = BertClassifier.create(config, { seed: 3 });
  const batch: Batch = {
    batchSize: 2,
    seqLen: 4,
    inputIds: Int32Array.from([2, 5, 9, 3, 2, 7, 3, 0]),
    attentionMask: Int32Array.from([1, 1, 1, 1, 1, 1, 1, 0]),
    labels: Int32Array.from([0, 1]),
  };
  const opt = new AdamW(model.paramsFor(), { weightDecay: 0.01, decay: () => true });
  const r = await lossAndGrads(model, batch, { training: true, seed: 4, dropout: 0.2 });
  const grads = new Map([...r.grads].map(([n, g]) => [n, g.dataSync() as Float32Array]));
  opt.step(r.grads, 0.01);
  const params = new Map(model.paramNames().map((n) => [n, model.param(n).dataSync() as Float32Array]));
  const out = { mode: opt.mode, loss: r.loss, grads, params };
  disposeLossAndGrads(r);
  opt.dispose();
  model.dispose();
  return out;
}

void test('a training step on the CPU backend (ops AdamW, tf.matMul, tf.exp) matches the WASM one', async () => {
  const wasm = await oneStep('wasm');
  const cpu = await oneStep('cpu');
  assert.equal(wasm.mode, 'heap');
  assert.equal(cpu.mode, 'ops');
  assert.ok(Math.abs(wasm.loss - cpu.loss) < 1e-6, `loss ${wasm.loss} vs ${cpu.loss}`);
  for (const [what, a, b, tol] of [['grad', wasm.grads, cpu.grads, 1e-6], ['param after AdamW', wasm.params, cpu.params, 1e-5]] as const) {
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [name, va] of a) {
      const vb = b.get(name)!;
      let worst = 0;
      for (let i = 0; i < va.length; i++) worst = Math.max(worst, Math.abs(va[i]! - vb[i]!));
      assert.ok(worst <= tol, `${what} ${name} differs by ${worst}`);
    }
  }
});
