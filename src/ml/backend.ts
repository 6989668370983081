/**
 * Tensor backend choice. `auto` takes the fastest that loads: tfjs-node-gpu (CUDA), tfjs-node
 * (native CPU), WASM, then the plain JS CPU backend. The native packages are optional
 * dependencies (their install downloads libtensorflow), so they are imported dynamically.
 */
import * as tf from '@tensorflow/tfjs-core';

export type BackendRequest = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

let current: string | undefined;
/** XNNPACK threads of the WASM backend that runs (1 unless its threaded build was started). */
let wasmThreads = 1;

export interface BackendOptions {
  /**
   * WASM only: with more than 1, start TF.js's threaded WASM build with that many threads
   * (wasm-threads.ts); 1 (default) runs the single-threaded SIMD build.
   */
  wasmThreads?: number;
}

/** Import a module by a runtime name, so TypeScript does not need its (absent) types. */
async function importOptional(name: string): Promise<unknown> {
  return import(name);
}

async function load(name: Exclude<BackendRequest, 'auto'>, opts: BackendOptions): Promise<void> {
  if (name === 'wasm' && (opts.wasmThreads ?? 1) > 1) {
    const { initThreadedWasm } = await import('./wasm-threads.js');
    wasmThreads = await initThreadedWasm(opts.wasmThreads!);
    return;
  }
  switch (name) {
    case 'tensorflow-gpu':
      await importOptional('@tensorflow/tfjs-node-gpu');
      break;
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
      await load(requested as Exclude<BackendRequest, 'auto'>, opts);
    } catch (e) {
      const hint = requested.startsWith('tensorflow')
        ? ` (the optional package @tensorflow/${requested === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu'} is not installed or its libtensorflow failed to load; use --backend auto, wasm or cpu)`
        : '';
      throw new Error(`backend ${requested} cannot load: ${(e as Error).message}${hint}`, { cause: e });
    }
    current = requested;
    return current;
  }
  const failures: string[] = [];
  for (const name of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const) {
    try {
      await load(name, opts);
      current = name;
      return current;
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no tensor backend could load:\n  ${failures.join('\n  ')}`);
}

/** XNNPACK threads of the running WASM backend (1: the single-threaded build, or not WASM). */
export function currentWasmThreads(): number {
  return current === 'wasm' ? wasmThreads : 1;
}
