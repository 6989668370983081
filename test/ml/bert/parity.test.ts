/**
 * Parity with Hugging Face: the tiny-bert fixture's logits, [CLS] hidden states and last-layer
 * [CLS] attention rows, with and without removed layers, within 1e-4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { configFromHF } from '../../../src/ml/bert/config.js';
import { forward, disposeResult } from '../../../src/ml/bert/forward.js';
import { readSafetensors } from '../../../src/artifacts/safetensors.js';
import type { Batch } from '../../../src/ml/types.js';
import { sharedDir, sharedPath, skipWithoutShared } from '../../util/shared.js';

interface Case {
  input_ids: number[][];
  attention_mask: number[][];
  skip_layers: number[];
  expected: { logits: number[][]; cls_hidden_states: number[][][]; attention_cls_row_layer_last: number[][][] };
}

export function batchOf(ids: number[][], mask: number[][], labels?: number[]): Batch {
  const B = ids.length;
  const S = ids[0]!.length;
  return {
    batchSize: B,
    seqLen: S,
    inputIds: Int32Array.from(ids.flat()),
    attentionMask: Int32Array.from(mask.flat()),
    ...(labels ? { labels: Int32Array.from(labels) } : {}),
  };
}

function maxDiff(a: number[] | Float32Array, b: number[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

void test('forward reproduces the HF tiny-bert fixture within 1e-4', { skip: skipWithoutShared() }, async () => {
  await initBackend('wasm');
  const dir = sharedPath('fixtures', 'tiny-bert');
  const config = configFromHF(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as Record<string, unknown>, 'config.json');
  const model = BertClassifier.fromHF(config, await readSafetensors(`${dir}/model.safetensors`));
  const { cases } = JSON.parse(readFileSync(`${dir}/cases.json`, 'utf8')) as { cases: Case[] };
  const before = tf.memory().numTensors;
  let worst = 0;
  for (const c of cases) {
    const layers = model.layers.filter((l) => !c.skip_layers.includes(l));
    const r = forward(model, batchOf(c.input_ids, c.attention_mask), { layers, capture: { hidden: true, attention: true } });
    const B = c.input_ids.length;
    const S = c.input_ids[0]!.length;
    const H = config.hiddenSize;
    worst = Math.max(worst, maxDiff(r.logits.dataSync() as Float32Array, c.expected.logits.flat()));
    assert.equal(r.hidden!.length, c.expected.cls_hidden_states.length);
    r.hidden!.forEach((h, i) => {
      const cls = tf.tidy(() => tf.reshape(tf.slice(h, [0, 0, 0], [B, 1, H]), [B * H]).dataSync());
      worst = Math.max(worst, maxDiff(cls as Float32Array, c.expected.cls_hidden_states[i]!.flat()));
    });
    const last = r.attention![r.attention!.length - 1]!;
    const row = tf.tidy(() => tf.reshape(tf.slice(last, [0, 0, 0, 0], [B, config.numHeads, 1, S]), [-1]).dataSync());
    worst = Math.max(worst, maxDiff(row as Float32Array, c.expected.attention_cls_row_layer_last.flat(2)));
    disposeResult(r);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.ok(worst < 1e-4, `max abs error ${worst}`);
  console.log(`tiny-bert parity: max abs error ${worst.toExponential(2)} over ${cases.length} cases (${sharedDir})`);
  model.dispose();
});
