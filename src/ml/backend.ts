/**
 * Tensor backend choice. `auto` takes the fastest that loads: tfjs-node-gpu (CUDA), WebGPU on a
 * hardware adapter (any GPU with a Vulkan driver, through Dawn; see webgpu.ts), tfjs-node
 * (native CPU), WASM, then the plain JS CPU backend. The native and WebGPU packages are optional
 * dependencies (tfjs-node's install downloads libtensorflow), so they are imported dynamically.
 */
import * as tf from '@tensorflow/tfjs-core';
import { onRelease } from './release-hooks.js';
import { loadWebGpu, releaseWebGpu, webGpuAdapter } from './webgpu.js';
import { describeAdapter, type AdapterFacts } from './webgpu-adapters.js';

export type BackendRequest = 'auto' | 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
/** `auto`'s order of preference. */
const AUTO_ORDER = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

let current: string | undefined;
/** XNNPACK threads of the WASM backend that runs (1 unless its threaded build was started). */
let wasmThreads = 1;
/** Why the threaded WASM build asked for did not start (the single-threaded one runs instead). */
let wasmThreadsFallback: string | undefined;

export interface BackendOptions {
  /**
   * WASM only: with more than 1, start TF.js's threaded WASM build with that many threads
   * (wasm-threads.ts); 1 (default) runs the single-threaded SIMD build.
   */
  wasmThreads?: number;
  /**
   * When the threaded build cannot start, run the single-threaded one (and say why in the log
   * and the facts) instead of failing: for a thread count the user did not ask for
   * (`--wasm-threads auto`).
   */
  wasmThreadsFallback?: boolean;
}
/** A line for the node's log about the choice (e.g. the adapter), set by the last load. */
let note: string | undefined;

/** Import a module by a runtime name, so TypeScript does not need its (absent) types. */
async function importOptional(name: string): Promise<unknown> {
  return import(name);
}

async function load(name: Exclude<BackendRequest, 'auto'>, auto: boolean, opts: BackendOptions): Promise<void> {
  note = undefined;
  if (name === 'wasm' && (opts.wasmThreads ?? 1) > 1) {
    const { initThreadedWasm } = await import('./wasm-threads.js');
    try {
      wasmThreads = await initThreadedWasm(opts.wasmThreads!);
      return;
    } catch (e) {
      if (!opts.wasmThreadsFallback) throw e;
      // initThreadedWasm put the loader's settings back: the plain build loads below.
      wasmThreadsFallback = `the threaded WASM build did not start (${(e as Error).message.split('\n')[0]}); running the single-threaded build`;
      note = wasmThreadsFallback;
    }
  }
  switch (name) {
    case 'tensorflow-gpu':
      await importOptional('@tensorflow/tfjs-node-gpu');
      break;
    case 'webgpu': {
      // loadWebGpu makes the backend the active one (it must pick the adapter first).
      const r = await loadWebGpu({ allowSoftware: !auto });
      note = r.note;
      onRelease(releaseBackend);
      return;
    }
    case 'tensorflow':
      await importOptional('@tensorflow/tfjs-node');
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      break;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
  }
  // Both native packages register themselves as 'tensorflow'.
  const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  if (!(await tf.setBackend(tfName))) throw new Error(`backend ${tfName} registered but failed to initialise`);
  await tf.ready();
}

function loadHint(requested: string): string {
  if (requested.startsWith('tensorflow')) {
    return ` (the optional package @tensorflow/${requested === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu'} is not installed or its libtensorflow failed to load; use --backend auto, wasm or cpu)`;
  }
  if (requested === 'webgpu') return ' (needs the optional packages webgpu and @tensorflow/tfjs-backend-webgpu and a Vulkan driver: see "GPU setup" in the README)';
  return '';
}

/**
 * Initialise the requested backend and return the name of the one that runs (never `auto`).
 * Idempotent: a second call returns the running backend (for `auto` or the same request); the
 * WASM thread count is settled by the call that starts it.
 */
export async function initBackend(requested: BackendRequest | string = 'auto', opts: BackendOptions = {}): Promise<string> {
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    throw new Error(`unknown backend "${requested}" (choose one of ${BACKENDS.join(', ')})`);
  }
  if (current !== undefined && (requested === 'auto' || requested === current)) return current;
  if (requested !== 'auto') {
    try {
      await load(requested as Exclude<BackendRequest, 'auto'>, false, opts);
    } catch (e) {
      throw new Error(`backend ${requested} cannot load: ${(e as Error).message}${loadHint(requested)}`, { cause: e });
    }
    current = requested;
    return current;
  }
  const failures: string[] = [];
  for (const name of AUTO_ORDER) {
    try {
      await load(name, true, opts);
      current = name;
      // Why a faster backend was passed over (say, WebGPU with only a software adapter).
      if (failures.length > 0) note = [note, `auto passed over ${failures.join('; ')}`].filter(Boolean).join('; ');
      return current;
    } catch (e) {
      const message = (e as Error).message;
      const missing = /Cannot find package '([^']+)'/.exec(message);
      failures.push(`${name}: ${missing ? `${missing[1]} is not installed` : message.split('\n')[0]}`);
    }
  }
  throw new Error(`no tensor backend could load:\n  ${failures.join('\n  ')}`);
}

/** The backend initialised by initBackend, if any. */
export function currentBackend(): string | undefined {
  return current;
}

export interface BackendFacts {
  /** The backend that runs (see BACKENDS). */
  backend: string;
  /** On webgpu: the adapter that runs it. */
  adapter?: AdapterFacts;
  /** On wasm with its threaded build: the threads. */
  wasmThreads?: number;
  /** On wasm: why the threaded build asked for did not start. */
  wasmThreadsFallback?: string;
}

/**
 * What a node records about where it ran (its run record's facts, shown by `layerfuse show`):
 * the backend and, on WebGPU, the adapter.
 */
export function backendFacts(): BackendFacts {
  const backend = current ?? tf.getBackend();
  const adapter = backend === 'webgpu' ? webGpuAdapter() : undefined;
  const threads = currentWasmThreads();
  const fallback = backend === 'wasm' ? wasmThreadsFallback : undefined;
  return { backend, ...(adapter ? { adapter } : {}), ...(threads > 1 ? { wasmThreads: threads } : {}), ...(fallback ? { wasmThreadsFallback: fallback } : {}) };
}

/** XNNPACK threads of the running WASM backend (1: the single-threaded build, or not WASM). */
export function currentWasmThreads(): number {
  return current === 'wasm' ? wasmThreads : 1;
}

/**
 * Lines for a node's log: the backend (with its adapter on WebGPU), and a note about the choice
 * when there is one (an adapter other than the one asked for).
 */
export function backendLog(): string[] {
  const f = backendFacts();
  return [`backend ${f.backend}${f.adapter ? ` on ${describeAdapter(f.adapter)}` : ''}${f.wasmThreads ? ` (${f.wasmThreads} threads)` : ''}`, ...(note ? [note] : [])];
}

/**
 * Free what holds the process open: on WebGPU, Dawn's device and `navigator.gpu`. Call when a
 * process is done with tensors (a worker after its node); a later initBackend loads afresh.
 */
export function releaseBackend(): void {
  if (current === 'webgpu' || webGpuAdapter()) releaseWebGpu();
  if (current === 'webgpu') current = undefined;
}
