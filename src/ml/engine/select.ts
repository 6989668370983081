/**
 * Which engine runs inference: `engine: auto | onnxruntime | tfjs` on every inference path.
 * `auto` takes ONNX Runtime where `onnxruntime-node` loads (about 3-10x TF.js-WASM's speed, see
 * bench/engines.ts) and TF.js otherwise; training and gradients stay on TF.js either way. One
 * call gives a LayerEngine for a model, so node code does not choose anything itself.
 */
import type { EngineModel } from './model.js';
import type { LayerEngine } from './types.js';

export type EngineRequest = 'auto' | 'onnxruntime' | 'tfjs';
export const ENGINES: readonly EngineRequest[] = ['auto', 'onnxruntime', 'tfjs'];

export interface EngineOptions {
  /** Default `auto`. */
  engine?: EngineRequest;
  /** TF.js backend for the tfjs engine (as `--backend`; default `auto`). */
  backend?: string;
  /** ONNX Runtime execution provider (default `cpu`; `cuda` needs the CUDA install, see README). */
  provider?: 'cpu' | 'cuda';
  /** ONNX Runtime intra-op threads; default floor(cores / jobs), at least 1. */
  threads?: number;
  /** Workers sharing this machine's cores (the run's `-j`), for the default thread count. */
  jobs?: number;
  /** Whole-model ORT sessions kept for `logits(batch, kept)` (see OrtEngineOptions). */
  wholeGraphs?: number;
  /** Told why `auto` fell back to TF.js (for the node's log). */
  onFallback?: (reason: string) => void;
}

export class EngineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EngineError';
  }
}

async function tfjsEngine(model: EngineModel, backend: string | undefined): Promise<LayerEngine> {
  const { initBackend } = await import('../backend.js');
  await initBackend(backend ?? 'auto');
  const { BertClassifier } = await import('../bert/model.js');
  const { TfjsLayerEngine } = await import('./tfjs-engine.js');
  const tf = BertClassifier.fromHF(model.config, model.tensors, { layers: [...model.layers], source: 'model' });
  return new TfjsLayerEngine(tf, { ownsModel: true });
}

async function ortEngine(model: EngineModel, o: EngineOptions): Promise<LayerEngine> {
  const { OrtLayerEngine } = await import('../onnx/engine.js');
  const { defaultThreads } = await import('../onnx/runtime.js');
  return OrtLayerEngine.create(model, {
    provider: o.provider ?? 'cpu',
    threads: o.threads ?? defaultThreads(o.jobs),
    ...(o.wholeGraphs !== undefined ? { wholeGraphs: o.wholeGraphs } : {}),
  });
}

/**
 * A LayerEngine over `model` (its kept layers). The caller disposes it. Its `name` (for run
 * records and evaluation memo keys) is `onnxruntime-<provider>` or `tfjs-<backend>`.
 */
export async function createEngine(model: EngineModel, o: EngineOptions = {}): Promise<LayerEngine> {
  const request = o.engine ?? 'auto';
  if (!(ENGINES as readonly string[]).includes(request)) throw new EngineError(`unknown engine "${String(request)}" (choose one of ${ENGINES.join(', ')})`);
  if (request === 'tfjs') return tfjsEngine(model, o.backend);
  if (request === 'onnxruntime') return ortEngine(model, o);
  try {
    return await ortEngine(model, o);
  } catch (e) {
    // Only a runtime that cannot load at all falls back; a session ORT refuses (a CUDA
    // provider asked for and missing, a graph it rejects) is an error the user should see.
    if ((e as Error).name !== 'OrtUnavailableError') throw e;
    o.onFallback?.(`${(e as Error).message}; using TF.js`);
    return tfjsEngine(model, o.backend);
  }
}
