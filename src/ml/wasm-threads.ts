/**
 * TF.js's multi-threaded WASM build, in Node. tfjs-backend-wasm 4.22 ships a threaded SIMD
 * binary (Emscripten pthreads: worker_threads sharing one WebAssembly.Memory; XNNPACK splits
 * each op over a pool), and its Emscripten glue supports Node, but the package's loader keeps
 * Node off it (tensorflow/tfjs#3830) in three places, each undone here for the initialisation
 * only:
 *  - the WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired false under Node: we set it;
 *  - the pthread workers get their script as a blob: URL (URL.createObjectURL of a Blob) and
 *    import the glue from a Blob, which Node's Worker and the worker's importScripts (a file
 *    read) cannot open: we write the package's own worker script to a temporary file, pointed at
 *    the package's glue file, and answer the loader's createObjectURL with that path;
 *  - XNNPACK's pool is capped at logical cores / 2 (it assumes two hyperthreads per core), so
 *    setThreadsCount(2) gives 1 thread on a 2-core machine: the glue reads the core count from
 *    os.cpus(), which we report doubled while the backend starts.
 * Hand-written because no package offers it; call it before the WASM backend initialises.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
/** Where the worker imports the glue from a Blob (the part we repoint at the glue's file). */
const BLOB_IMPORT = 'var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)';

export class WasmThreadsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmThreadsError';
  }
}

/** The worker script as a file (the package's, its glue import pointed at the glue's path). */
function workerFile(): string {
  const require = createRequire(import.meta.url);
  const { wasmWorkerContents } = require(WORKER) as { wasmWorkerContents: string };
  if (!wasmWorkerContents.includes(BLOB_IMPORT)) throw new WasmThreadsError(`tfjs-backend-wasm's worker script changed (${WORKER}): the threaded build cannot be enabled`);
  // The loader escapes newlines the same way before making its Blob: the script's string
  // literals hold `\n` escapes that the template literal turned into real newlines.
  const script = wasmWorkerContents.replace(/\n/g, '\\n').replace(BLOB_IMPORT, `importScripts(${JSON.stringify(require.resolve(GLUE))})`);
  const dir = mkdtempSync(join(os.tmpdir(), 'layerfuse-wasm-'));
  // The workers read it once, while the backend starts; it goes with the process.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'pthread-worker.cjs');
  writeFileSync(path, script);
  return path;
}

/**
 * Initialise the WASM backend on its threaded build with `threads` XNNPACK threads (the caller
 * then sets the backend as usual); returns the threads the backend runs. Must run before the
 * WASM backend initialises.
 */
export async function initThreadedWasm(threads: number): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1) throw new WasmThreadsError(`WASM threads must be a positive integer, got ${threads}`);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const worker = workerFile();
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? worker : createObjectURL(obj));
  os.cpus = () => {
    const list = cpus();
    return [...list, ...list];
  };
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new WasmThreadsError('the threaded WASM backend failed to initialise');
    await tf.ready();
  } catch (e) {
    // The loader's own settings again, so that a caller may start the single-threaded build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(-1);
    throw e;
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  // XNNPACK's pool threads stay alive waiting for work, and Emscripten refs the Node worker of
  // every running pthread: unref them, or the process would never exit on its own.
  const pthreads = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers?: Array<{ unref?: () => void }> } } }).wasm?.PThread;
  for (const w of pthreads?.runningWorkers ?? []) w.unref?.();
  return wasm.getThreadsCount();
}
