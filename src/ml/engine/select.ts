/**
 * Which engine runs inference: `engine: auto | onnxruntime | tfjs` on every inference path.
 * `auto` takes ONNX Runtime where `onnxruntime-node` loads (3-10x TF.js-WASM's speed, see
 * bench/engines.ts) and TF.js otherwise; training and gradients stay on TF.js either way.
 *
 * Two calls: `resolveEngine` settles which engine runs and its name (cheap: it loads the
 * runtime, builds nothing), for memo keys and run records; `createEngine` gives a LayerEngine
 * for a model. Node code passes its context's settings and does not choose anything itself.
 */
import type { EngineModel } from './model.js';
import type { LayerEngine } from './types.js';

export type EngineRequest = 'auto' | 'onnxruntime' | 'tfjs';
export const ENGINES: readonly EngineRequest[] = ['auto', 'onnxruntime', 'tfjs'];
export const PROVIDERS = ['cpu', 'cuda'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface EngineOptions {
  /** Default `auto`. */
  engine?: string;
  /** TF.js backend for the tfjs engine (as `--backend`; default `auto`). */
  backend?: string;
  /** TF.js WASM threads for the tfjs engine (see src/ml/backend.ts; default 1). */
  wasmThreads?: number;
  /** Run the single-threaded build where the threaded one cannot start (see src/ml/backend.ts). */
  wasmThreadsFallback?: boolean;
  /** ONNX Runtime execution provider (default `cpu`; `cuda` needs the CUDA install, see README). */
  provider?: string;
  /** ONNX Runtime intra-op threads; default floor(cores / jobs), at least 1. */
  threads?: number;
  /** Workers sharing this machine's cores (the run's `-j`), for the default thread count. */
  jobs?: number;
  /** Whole-model ORT sessions kept for `logits(batch, kept)` (see OrtEngineOptions). */
  wholeGraphs?: number;
}

/** The engine that runs: its kind and its name (`onnxruntime-cpu`, `tfjs-wasm`, ...). */
export interface ResolvedEngine {
  kind: 'onnxruntime' | 'tfjs';
  /** What ran, for run records and evaluation memo keys. */
  name: string;
  /** Why `auto` fell back to TF.js (for the node's log). */
  fallback?: string;
}

export class EngineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EngineError';
  }
}

function check(o: EngineOptions): { request: EngineRequest; provider: Provider } {
  const request = (o.engine ?? 'auto') as EngineRequest;
  if (!ENGINES.includes(request)) throw new EngineError(`unknown engine "${request}" (choose one of ${ENGINES.join(', ')})`);
  const provider = (o.provider ?? 'cpu') as Provider;
  if (!PROVIDERS.includes(provider)) throw new EngineError(`unknown ONNX Runtime provider "${provider}" (choose one of ${PROVIDERS.join(', ')})`);
  return { request, provider };
}

async function tfjsResolved(o: EngineOptions, fallback?: string): Promise<ResolvedEngine> {
  const { initBackend } = await import('../backend.js');
  const name = `tfjs-${await initBackend(o.backend ?? 'auto', { wasmThreads: o.wasmThreads ?? 1, wasmThreadsFallback: o.wasmThreadsFallback === true })}`;
  return fallback ? { kind: 'tfjs', name, fallback } : { kind: 'tfjs', name };
}

/** Settle the engine (loads ONNX Runtime or initialises the TF.js backend; builds no model). */
export async function resolveEngine(o: EngineOptions = {}): Promise<ResolvedEngine> {
  const { request, provider } = check(o);
  if (request === 'tfjs') return tfjsResolved(o);
  const { loadOrt } = await import('../onnx/runtime.js');
  try {
    await loadOrt();
  } catch (e) {
    // Only a runtime that cannot load at all falls back; a session ORT refuses later (a CUDA
    // provider asked for and missing, a graph it rejects) is an error the user should see.
    if (request === 'onnxruntime' || (e as Error).name !== 'OrtUnavailableError') throw e;
    return tfjsResolved(o, `${(e as Error).message}; using TF.js`);
  }
  return { kind: 'onnxruntime', name: `onnxruntime-${provider}` };
}

/**
 * A LayerEngine over `model` (its kept layers), on the engine `resolved` (default: resolved
 * from `o`). The caller disposes it. Its `name` is the resolved name.
 */
export async function createEngine(model: EngineModel, o: EngineOptions = {}, resolved?: ResolvedEngine): Promise<LayerEngine> {
  const r = resolved ?? (await resolveEngine(o));
  if (r.kind === 'tfjs') {
    const { BertClassifier } = await import('../bert/model.js');
    const { TfjsLayerEngine } = await import('./tfjs-engine.js');
    const tf = BertClassifier.fromHF(model.config, model.tensors, { layers: [...model.layers], source: 'model' });
    return new TfjsLayerEngine(tf, { ownsModel: true });
  }
  const { OrtLayerEngine } = await import('../onnx/engine.js');
  const { defaultThreads } = await import('../onnx/runtime.js');
  return OrtLayerEngine.create(model, {
    provider: check(o).provider,
    threads: o.threads ?? defaultThreads(o.jobs),
    ...(o.wholeGraphs !== undefined ? { wholeGraphs: o.wholeGraphs } : {}),
  });
}
