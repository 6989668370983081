/** The tiny-bert fixture (../shared/fixtures/tiny-bert) as an engine model, a TF.js model and its cases. */
import { readFileSync } from 'node:fs';
import { configFromHF } from '../../../src/ml/bert/config.js';
import { normalizeTensors } from '../../../src/ml/checkpoint/names.js';
import type { EngineModel } from '../../../src/ml/engine/model.js';
import type { LayerEngine } from '../../../src/ml/engine/types.js';
import { readSafetensors } from '../../../src/artifacts/safetensors.js';
import type { Batch } from '../../../src/ml/types.js';
import { sharedPath } from '../../util/shared.js';

export interface FixtureCase {
  input_ids: number[][];
  attention_mask: number[][];
  skip_layers: number[];
  expected: { logits: number[][] };
}

export async function tinyBert(): Promise<{ model: EngineModel; cases: FixtureCase[] }> {
  const dir = sharedPath('fixtures', 'tiny-bert');
  const config = configFromHF(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as Record<string, unknown>, 'config.json');
  const { tensors } = normalizeTensors(await readSafetensors(`${dir}/model.safetensors`), 'model.safetensors');
  const { cases } = JSON.parse(readFileSync(`${dir}/cases.json`, 'utf8')) as { cases: FixtureCase[] };
  const layers = Array.from({ length: config.numLayers }, (_, i) => i);
  return { model: { config, layers, tensors }, cases };
}

export function caseBatch(c: FixtureCase): Batch {
  return {
    batchSize: c.input_ids.length,
    seqLen: c.input_ids[0]!.length,
    inputIds: Int32Array.from(c.input_ids.flat()),
    attentionMask: Int32Array.from(c.attention_mask.flat()),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Logits through an engine's layer-by-layer contract: embeddings, the kept layers in order, the head. */
export async function layerByLayer<H>(engine: LayerEngine<H>, batch: Batch, kept: readonly number[]): Promise<Float32Array> {
  let h = await engine.embed(batch);
  for (const l of kept) {
    const next = await engine.layer(l, h, batch);
    engine.release(h);
    h = next;
  }
  try {
    return await engine.head(h, batch);
  } finally {
    engine.release(h);
  }
}
