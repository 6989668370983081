/**
 * Inference engines for run bodies: which engine a node runs (its `engine` param, else the
 * run's --engine) and one engine per worker process over a model, shared by every evaluation,
 * curve and teacher pass of the node (weights and ONNX Runtime sessions are large and slow to
 * build). The memo keys of inference results carry `resolved.name`.
 */
import { digestOf } from '../../artifacts/canonical-json.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { backendFacts } from '../../ml/backend.js';
import type { ModelManifest } from '../../ml/bert/manifest.js';
import { engineModelFromManifest } from '../../ml/engine/model.js';
import { createEngine, resolveEngine, type ResolvedEngine } from '../../ml/engine/select.js';
import type { LayerEngine } from '../../ml/engine/types.js';

/** The engine a node runs; recorded in its run record, a fallback reason logged. */
export async function resolveEngineFor(ctx: NodeContext, param?: string): Promise<ResolvedEngine> {
  const c = ctx.compute;
  const engine = await resolveEngine({ engine: param ?? c.engine, backend: ctx.backend, provider: c.provider, wasmThreads: c.wasmThreads });
  if (engine.fallback) ctx.log(engine.fallback);
  // On TF.js, where it ran too (the backend, its WebGPU adapter or WASM threads).
  ctx.record({ ...(engine.kind === 'tfjs' ? backendFacts() : {}), engine: engine.name });
  return engine;
}

let held: { engine: LayerEngine; identity: string } | undefined;

/**
 * The process's engine over `model` (all its kept layers: any subset is a composition of its
 * calls), built on first use and kept until another model or engine is asked for, or
 * `releaseEngine`.
 */
export async function engineFor(ctx: NodeContext, model: ModelManifest, resolved: ResolvedEngine): Promise<LayerEngine> {
  const identity = digestOf({ engine: resolved.name, threads: ctx.compute.threads, config: model.config, layers: model.layers, tensors: model.tensors });
  if (held?.identity === identity) return held.engine;
  releaseEngine();
  const engine = await createEngine(await engineModelFromManifest(ctx, model), { backend: ctx.backend, provider: ctx.compute.provider, threads: ctx.compute.threads }, resolved);
  held = { engine, identity };
  return engine;
}

/** Free the process's engine (call when a node is done with inference). */
export function releaseEngine(): void {
  // Disposal is quick (ORT releases its sessions); nothing waits on it.
  if (held) void Promise.resolve(held.engine.dispose()).catch(() => undefined);
  held = undefined;
}
