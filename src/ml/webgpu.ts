/**
 * TF.js's WebGPU backend (`@tensorflow/tfjs-backend-webgpu`) on Dawn's Node bindings (the
 * `webgpu` package, a prebuilt binary): any GPU with a Vulkan driver (D3D12 on Windows, Metal on
 * macOS), no CUDA. Both packages are optional dependencies, imported by name at run time.
 *
 * What the pair needs in Node, found by trying:
 * - `navigator.gpu` must exist before the backend module is evaluated: it registers itself only
 *   when it sees one. It asks `navigator.gpu.requestAdapter({powerPreference:
 *   'high-performance'})`, so the adapter is chosen by what `navigator.gpu` is: a Dawn instance
 *   created with the `adapter=NAME` option (see webgpu-adapters.ts).
 * - Its kernels use the browser's GPUBufferUsage/GPUMapMode globals, which the package exports.
 * - Synchronous reads (dataSync) need OffscreenCanvas and fail in Node: every read-back on the
 *   paths WebGPU runs is `await t.data()`.
 * - A live GPU device can keep the process from exiting: releaseWebGpu() destroys it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseAdapter, isSoftwareAdapter, parseAdapterList, type AdapterChoice, type AdapterFacts, type AdapterInfoLike, type ListedAdapter } from './webgpu-adapters.js';

/** Environment variable naming the adapter (index into Dawn's list, or part of a device name). */
export const ADAPTER_ENV = 'LAYERFUSE_WEBGPU_ADAPTER';

interface GpuAdapterLike {
  readonly info?: AdapterInfoLike;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}
interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuDeviceLike {
  destroy(): void;
  onuncapturederror: ((e: { error?: { message?: string } }) => void) | null;
}
interface WebGpuBackendLike {
  device?: GpuDeviceLike;
}

/** What TF.js's backend requests (its WEBGPU_USE_LOW_POWER_GPU flag is off): probe the same. */
const REQUEST = { powerPreference: 'high-performance' } as const;
/** A device name no driver reports: Dawn then rejects with its list of adapters. */
const NO_SUCH_ADAPTER = 'layerfuse-list-adapters\u0001';

let dawn: DawnModule | undefined;
let installed: { adapter: AdapterFacts; restore: () => void } | undefined;
/**
 * The first error the device reported (Dawn also prints each). Sticky until releaseWebGpu: after
 * one, TF.js's cached pipelines can be invalid and later results wrong too.
 */
let gpuError: string | undefined;
/** The backend's factory, kept across releaseWebGpu (removeBackend drops it; the module registers once). */
let factory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

async function importOptional(name: string): Promise<unknown> {
  return import(name);
}

async function dawnModule(): Promise<DawnModule> {
  if (!dawn) {
    try {
      dawn = (await importOptional('webgpu')) as DawnModule;
    } catch (e) {
      throw new Error(`the optional package webgpu (Dawn's Node bindings) is not installed or does not load on this platform: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
    const g = globalThis as Record<string, unknown>;
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v;
  }
  return dawn;
}

/** Every adapter Dawn finds, in its order (discrete, integrated, then CPU implementations). */
export async function listAdapters(): Promise<ListedAdapter[]> {
  const { create } = await dawnModule();
  try {
    // Resolves null when there is no adapter at all (no driver); a name never rejects otherwise.
    await create([`adapter=${NO_SUCH_ADAPTER}`]).requestAdapter(REQUEST);
    return [];
  } catch (e) {
    return parseAdapterList(e instanceof Error ? e.message : String(e));
  }
}

interface Probed {
  gpu: GpuLike;
  facts: AdapterFacts;
}

async function probe(choice: AdapterChoice, listed: readonly ListedAdapter[]): Promise<Probed> {
  const { create } = await dawnModule();
  const gpu = create(choice.flag === undefined ? [] : [`adapter=${choice.flag}`]);
  const adapter = await gpu.requestAdapter(REQUEST);
  const at = listed[choice.index];
  if (!adapter || !at) throw new Error(`WebGPU adapter ${choice.index} (${at?.name ?? '?'}) could not be opened`);
  const info = adapter.info ?? {};
  const facts: AdapterFacts = {
    index: choice.index,
    backend: at.backend,
    name: at.name,
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info, at.name),
  };
  return { gpu, facts };
}

/**
 * Pick the adapter: LAYERFUSE_WEBGPU_ADAPTER's, else Dawn's first. Without `allowSoftware` (the
 * `auto` choice) a software adapter is refused; unnamed, the first hardware one is taken.
 */
async function pick(allowSoftware: boolean, value: string | undefined): Promise<Probed & { note?: string }> {
  const listed = await listAdapters();
  const choice = chooseAdapter(listed, value);
  const first = await probe(choice, listed);
  const note =
    choice.requested !== undefined
      ? `adapter ${choice.requested} (${listed[choice.requested]!.name}) has the name of adapter ${choice.index}, and Dawn selects adapters by name: running on adapter ${choice.index}`
      : undefined;
  if (!first.facts.software || allowSoftware) return { ...first, ...(note ? { note } : {}) };
  if (value !== undefined && value.trim() !== '') {
    throw new Error(`${ADAPTER_ENV}=${value} is ${first.facts.name}, a software implementation: auto takes hardware adapters only (--backend webgpu runs on it)`);
  }
  for (const a of listed) {
    if (a.index === choice.index || listed.findIndex((b) => b.name.includes(a.name)) !== a.index) continue;
    const p = await probe({ index: a.index, flag: a.name }, listed);
    if (!p.facts.software) return p;
  }
  throw new Error(`only software WebGPU adapters (${listed.map((a) => a.name).join('; ')}): auto takes hardware adapters only (--backend webgpu runs on them)`);
}

function installNavigatorGpu(gpu: GpuLike): () => void {
  const g = globalThis as { navigator?: Record<string, unknown> };
  const own = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const nav = g.navigator;
  // Node 21+ has a navigator of its own: add gpu to it; Node 20 has none: make one.
  if (nav && Object.isExtensible(nav)) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
    return () => {
      delete nav.gpu;
    };
  }
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(globalThis, 'navigator', own);
    else delete g.navigator;
  };
}

export interface WebGpuOptions {
  /** Accept a software adapter (explicit --backend webgpu); `auto` does not. */
  allowSoftware: boolean;
  /** LAYERFUSE_WEBGPU_ADAPTER's value (default: the environment's). */
  adapter?: string;
}

/**
 * Make TF.js's `webgpu` backend the active one on the chosen adapter; returns the adapter's
 * facts (and a note for the log when the adapter is not the one asked for). Idempotent.
 */
export async function loadWebGpu(opts: WebGpuOptions): Promise<{ adapter: AdapterFacts; note?: string }> {
  if (installed && tf.findBackend('webgpu')) {
    if (!(await tf.setBackend('webgpu'))) throw new Error('backend webgpu failed to initialise');
    return { adapter: installed.adapter };
  }
  // The backend was removed behind our back: start over.
  if (installed) releaseWebGpu();
  const chosen = await pick(opts.allowSoftware, opts.adapter ?? process.env[ADAPTER_ENV]);
  const restore = installNavigatorGpu(chosen.gpu);
  try {
    await importOptional('@tensorflow/tfjs-backend-webgpu');
    if (!tf.findBackendFactory('webgpu')) {
      if (!factory) throw new Error('@tensorflow/tfjs-backend-webgpu was loaded before navigator.gpu existed and did not register');
      tf.registerBackend('webgpu', factory, 3);
    }
    factory = tf.findBackendFactory('webgpu') ?? factory;
    if (!(await tf.setBackend('webgpu'))) throw new Error(`backend webgpu failed to initialise on ${chosen.facts.name}`);
    await tf.ready();
    // Validation and out-of-memory errors do not throw in WebGPU: the work is dropped and reads
    // give zeros. Keep the first one for read-back.ts to raise.
    const device = (tf.backend() as unknown as WebGpuBackendLike).device;
    if (device) {
      device.onuncapturederror = (e) => {
        gpuError ??= (e.error?.message ?? 'unknown error').split('\n')[0];
      };
    }
  } catch (e) {
    restore();
    throw e;
  }
  installed = { adapter: chosen.facts, restore };
  return { adapter: chosen.facts, ...(chosen.note ? { note: chosen.note } : {}) };
}

/** The first error the WebGPU device reported since it was loaded (undefined: none). */
export function gpuErrorSeen(): string | undefined {
  return gpuError;
}

/** The adapter the webgpu backend runs on, while it is loaded. */
export function webGpuAdapter(): AdapterFacts | undefined {
  return installed?.adapter;
}

/**
 * Dispose the webgpu backend, destroy its device and take `gpu` off `navigator`, so that Dawn
 * holds nothing that keeps the process alive. Tensors still on it are lost; a later loadWebGpu
 * starts afresh.
 */
export function releaseWebGpu(): void {
  if (!installed) return;
  const backend = tf.findBackend('webgpu') as unknown as WebGpuBackendLike | null;
  factory = tf.findBackendFactory('webgpu') ?? factory;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  backend?.device?.destroy();
  installed.restore();
  installed = undefined;
  gpuError = undefined;
}
