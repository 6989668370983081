/**
 * The check behind parity.test.ts, run on whichever backend is active (WASM there,
 * WebGPU in webgpu.test.ts): the capture pass over ../shared/fixtures/tiny-bert/signals.json's
 * examples (batches as recorded) and every score function against its reference scores, plus
 * accuracy and single-layer ablation drops. Returns the worst errors, for the test's log.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint } from '../../../src/ml/checkpoint/index.js';
import { forward } from '../../../src/ml/bert/forward.js';
import { captureStats, signalScores, singleLayerAblation, WEIGHT_MATRIX_SUFFIXES, SIGNAL_NAMES, type SignalParams } from '../../../src/ml/signals/index.js';
import type { Batch } from '../../../src/ml/types.js';
import { sharedPath } from '../../util/shared.js';

interface Fixture {
  params: Record<string, Record<string, number | string>>;
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[];
  scores: Record<string, number[] | number>;
}

function rows(f: Fixture, from: number, to: number): Batch {
  const ids = f.input_ids.slice(from, to);
  return {
    batchSize: ids.length,
    seqLen: ids[0]!.length,
    inputIds: Int32Array.from(ids.flat()),
    attentionMask: Int32Array.from(f.attention_mask.slice(from, to).flat()),
    labels: Int32Array.from(f.labels.slice(from, to)),
  };
}

/** Tolerances of issue 4: 1e-4, 1e-3 for the MI signals, relative 1e-3 for the gradient signals. */
function within(signal: string, got: number, want: number): { ok: boolean; err: number } {
  if (signal.startsWith('gradient-')) {
    const err = Math.abs(got - want) / Math.abs(want);
    return { ok: err <= 1e-3, err };
  }
  const err = Math.abs(got - want);
  return { ok: err <= (signal.endsWith('-mi') ? 1e-3 : 1e-4), err };
}

export async function checkSignalParity(): Promise<string> {
  const dir = sharedPath('fixtures', 'tiny-bert');
  const f = JSON.parse(readFileSync(`${dir}/signals.json`, 'utf8')) as Fixture;
  const { model } = await loadCheckpoint(dir);
  // HF layout [out, in]; the weight signals are elementwise, so the layout does not matter.
  const tensors = await model.toHF();
  const before = tf.memory().numTensors;
  try {
    const batch = Number(f.params['signals/capture']?.batch ?? 16);
    const eps = Number(f.params['signals/capture']?.eps ?? 1e-10);
    const batches: Batch[] = [];
    for (let at = 0; at < f.labels.length; at += batch) batches.push(rows(f, at, at + batch));
    const stats = await captureStats(model, batches, { eps });
    assert.equal(tf.memory().numTensors, before, 'capture leaks tensors');
    const weights = (l: number) => WEIGHT_MATRIX_SUFFIXES.map((s) => tensors.get(`bert.encoder.layer.${l}.${s}`)!.data as Float32Array);
    const report: string[] = [];
    for (const name of SIGNAL_NAMES) {
      // The fixture lists only the parameters it sets; the reference reads layer outputs and mean-pools.
      const params: SignalParams = { tensor: 'output', pool: 'mean', ...(f.params[name] as SignalParams | undefined) };
      const got = signalScores(name, stats, params, weights);
      const want = f.scores[name] as number[];
      assert.equal(got.length, want.length, name);
      let worst = 0;
      got.forEach((g, i) => {
        const { ok, err } = within(name, g, want[i]!);
        worst = Math.max(worst, err);
        assert.ok(ok, `${name} layer ${i}: got ${g}, want ${want[i]} (error ${err})`);
      });
      report.push(`${name}: ${worst.toExponential(2)}`);
    }
    // The full batch at once; accuracy = argmax(logits) == label.
    const all = rows(f, 0, f.labels.length);
    const accuracy = async (kept: number[]): Promise<number> => {
      const r = forward(model, all, { layers: kept });
      const am = tf.argMax(r.logits, 1);
      const pred = (await am.data()) as Int32Array;
      tf.dispose([am, r.logits]);
      return pred.reduce((s, p, i) => s + (p === f.labels[i] ? 1 : 0), 0) / f.labels.length;
    };
    const abl = await singleLayerAblation(model.layers, accuracy);
    assert.ok(Math.abs(abl.accuracyFull - (f.scores.accuracy as number)) < 1e-6);
    abl.drops.forEach((d, i) => assert.ok(Math.abs(d - (f.scores['ablation-drop'] as number[])[i]!) < 1e-6, `drop of layer ${i}: ${d}`));
    return report.join(', ');
  } finally {
    model.dispose();
  }
}
