/**
 * Inference engines for run bodies: which engine runs a node's evaluations (its `engine` param;
 * `auto` defers to the run's --engine), and the engine over a model, shared by every evaluation,
 * curve and teacher pass of a worker process. The engine's name (`onnxruntime-cpu`,
 * `tfjs-wasm`, ...) goes into evaluation memo keys and run records.
 */
import { digestOf } from '../../artifacts/canonical-json.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { backendFacts } from '../../ml/backend.js';
import type { ModelManifest } from '../../ml/bert/manifest.js';
import { loadModel, type LoadedModel } from '../../ml/bert/store.js';
import { TfjsLayerEngine, type EngineKind, type LayerEngine } from '../../ml/engine/index.js';
import { engineModelFromManifest } from '../../ml/engine/model.js';
import { createEngine, resolveEngine, type ResolvedEngine } from '../../ml/engine/select.js';
import { useBackend } from './common.js';

/** The engine a node runs (initialising what it needs); recorded in its run record, a fallback reason logged. */
export async function resolveEngineFor(ctx: NodeContext, kind: EngineKind | undefined): Promise<ResolvedEngine> {
  const c = ctx.compute;
  const request = kind === undefined || kind === 'auto' ? c.engine : kind;
  const engine = await resolveEngine({ engine: request, backend: ctx.backend, provider: c.provider, wasmThreads: c.wasmThreads, wasmThreadsFallback: c.wasmThreadsAuto === true });
  if (engine.fallback) ctx.log(engine.fallback);
  // On TF.js, where it ran too (the backend, its WebGPU adapter or WASM threads).
  ctx.record({ ...(engine.kind === 'tfjs' ? backendFacts() : {}), engine: engine.name });
  return engine;
}

// One TF.js model per process (tensors are large): prune loops evaluate many subsets of the
// same model, so reuse it whenever it holds every tensor the requested subset needs.
let loadedModel: { model: LoadedModel; identity: string } | undefined;
// The TF.js engine over that model (it holds the mask of the batch it last saw).
let tfjsEngine: { engine: TfjsLayerEngine; model: LoadedModel } | undefined;
// One ONNX Runtime engine per process, over a whole input model (its sessions build lazily,
// one per layer used).
let ortEngine: { engine: LayerEngine<unknown>; identity: string } | undefined;

function baseIdentity(m: ModelManifest): string {
  return digestOf({ ...m, layers: undefined, tensors: undefined });
}

/**
 * The process's TF.js model holding (at least) `effective`'s layers, on the run's tensor
 * backend (initialised here: with ONNX Runtime as the engine nothing else may have done it, and
 * TF.js would fall back to its slow plain-JS backend).
 */
export async function modelFor(ctx: NodeContext, effective: ModelManifest): Promise<LoadedModel> {
  await useBackend(ctx, { quiet: true });
  const identity = baseIdentity(effective);
  const held = loadedModel;
  if (
    held &&
    held.identity === identity &&
    effective.layers.every((l) => held.model.layers.includes(l)) &&
    Object.entries(effective.tensors).every(([name, ref]) => held.model.manifest.tensors[name]?.$tensor === ref.$tensor)
  ) {
    return held.model;
  }
  held?.model.dispose();
  loadedModel = undefined;
  const model = await loadModel(ctx, effective);
  loadedModel = { model, identity };
  return model;
}

/**
 * An engine over `model` (all its kept layers: any subset is a composition of its calls). TF.js:
 * over the process's model (modelFor; the engine does not own it). ONNX Runtime: the process's
 * engine, kept until another model or settings are asked for, or `releaseEngines`. The caller
 * does not dispose it.
 */
export async function engineFor(ctx: NodeContext, model: ModelManifest, resolved: ResolvedEngine): Promise<LayerEngine<unknown>> {
  if (resolved.kind === 'tfjs') {
    const loaded = await modelFor(ctx, model);
    if (tfjsEngine?.model !== loaded) {
      tfjsEngine?.engine.dispose();
      tfjsEngine = { engine: new TfjsLayerEngine(loaded.model), model: loaded };
    }
    return tfjsEngine.engine as LayerEngine<unknown>;
  }
  const identity = digestOf({ engine: resolved.name, threads: ctx.compute.threads, config: model.config, layers: model.layers, tensors: model.tensors });
  if (ortEngine?.identity === identity) return ortEngine.engine;
  releaseOrt();
  const engine = (await createEngine(await engineModelFromManifest(ctx, model), { backend: ctx.backend, provider: ctx.compute.provider, threads: ctx.compute.threads }, resolved)) as LayerEngine<unknown>;
  ortEngine = { engine, identity };
  return engine;
}

function releaseOrt(): void {
  // Disposal is quick (ORT releases its sessions); nothing waits on it.
  if (ortEngine) void Promise.resolve(ortEngine.engine.dispose()).catch(() => undefined);
  ortEngine = undefined;
}

/** Free the process's model and engine (call when a node is done with inference). */
export function releaseEngines(): void {
  releaseTfjsModel();
  releaseOrt();
}

/**
 * Free the process's TF.js model and engine only: before training, which shares their memory
 * (the WASM heap, a GPU's), when a model is still loaded from evaluations (this node's, or an
 * earlier node's in a reused worker). ONNX Runtime's engine lives outside it and stays.
 */
export function releaseTfjsModel(): void {
  tfjsEngine?.engine.dispose();
  tfjsEngine = undefined;
  loadedModel?.model.dispose();
  loadedModel = undefined;
}
