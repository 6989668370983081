/**
 * Which WebGPU adapter a process uses, as pure functions over what Dawn reports (no GPU needed,
 * so they are tested everywhere).
 *
 * Dawn's Node bindings (the `webgpu` package) expose no adapter enumeration: `requestAdapter`
 * returns the first adapter, in Dawn's order (discrete GPUs, then integrated, then CPU
 * implementations), whose device name contains the `adapter=NAME` option given to `create`; an
 * option that matches nothing rejects with the list of every adapter ("Available adapters:" and
 * one ` * backend: 'vulkan', name: '...'` line each, documented in the package's README). That
 * list is how adapters are counted and indexed here, and a name is how one is selected.
 */

/** One adapter as Dawn lists it; `index` is its position in Dawn's order. */
export interface ListedAdapter {
  index: number;
  /** Dawn's backend: 'vulkan' on Linux, 'd3d12' on Windows, 'metal' on macOS. */
  backend: string;
  /** The driver's device name, e.g. 'NVIDIA GeForce RTX 4090', 'llvmpipe (LLVM 15.0.6, 256 bits)'. */
  name: string;
}

/** What a run records about the adapter that ran it (run record facts, `layerfuse show`). */
export interface AdapterFacts {
  /** Position in Dawn's adapter list (what LAYERFUSE_WEBGPU_ADAPTER takes). */
  index: number;
  backend: string;
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  /**
   * A CPU implementation of the API (Mesa's lavapipe/llvmpipe, SwiftShader, Microsoft's WARP):
   * correct but far slower than WASM. `auto` never picks one.
   */
  software: boolean;
}

/** Adapter info as the WebGPU API gives it (GPUAdapterInfo; isFallbackAdapter is Dawn's, newer spec). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const LINE = /^\s*\* backend: '([^']*)', name: '(.*)'\s*$/;

/** The adapters in Dawn's "no adapter found" message, in its order; [] when it lists none. */
export function parseAdapterList(message: string): ListedAdapter[] {
  const at = message.indexOf('Available adapters:');
  if (at < 0) return [];
  const out: ListedAdapter[] = [];
  for (const line of message.slice(at).split('\n').slice(1)) {
    const m = LINE.exec(line);
    if (m) out.push({ index: out.length, backend: m[1]!, name: m[2]! });
  }
  return out;
}

// Names of CPU implementations, for drivers that do not report a CPU device type (Dawn sets
// isFallbackAdapter from Vulkan's VK_PHYSICAL_DEVICE_TYPE_CPU, D3D's WARP flag, and so on).
const SOFTWARE_NAME = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/** True for a CPU implementation: Dawn's fallback flag, or a known software driver's name. */
export function isSoftwareAdapter(info: AdapterInfoLike, name = ''): boolean {
  if (info.isFallbackAdapter === true) return true;
  if ((info.architecture ?? '').toLowerCase() === 'software') return true;
  return SOFTWARE_NAME.test([name, info.vendor, info.device, info.description].filter(Boolean).join(' '));
}

export interface AdapterChoice {
  /** The listed adapter Dawn will return for `flag`. */
  index: number;
  /** The `adapter=` option for `create` (undefined: Dawn's first adapter). */
  flag: string | undefined;
  /**
   * Set when an index was asked for that Dawn cannot single out: an earlier adapter's name
   * contains this one's (identical GPUs), so Dawn returns that earlier one, `index`.
   */
  requested?: number;
}

function describeList(listed: readonly ListedAdapter[]): string {
  if (listed.length === 0) return 'Dawn lists no adapter (no Vulkan/D3D12/Metal driver found)';
  return `Dawn lists: ${listed.map((a) => `${a.index}: ${a.name} (${a.backend})`).join('; ')}`;
}

/**
 * The adapter that a LAYERFUSE_WEBGPU_ADAPTER value selects: an integer is an index into Dawn's
 * list, anything else a part of a device name (Dawn's own rule: the first name containing it).
 * Unset or empty: Dawn's first adapter. Throws, naming the adapters, when nothing matches.
 */
export function chooseAdapter(listed: readonly ListedAdapter[], value: string | undefined): AdapterChoice {
  const v = value?.trim() ?? '';
  if (v === '') {
    if (listed.length === 0) throw new Error(`no WebGPU adapter: ${describeList(listed)}`);
    return { index: 0, flag: undefined };
  }
  if (/^\d+$/.test(v)) {
    const i = Number(v);
    const want = listed[i];
    if (!want) throw new Error(`LAYERFUSE_WEBGPU_ADAPTER=${v}: no adapter ${i}; ${describeList(listed)}`);
    const reached = listed.findIndex((a) => a.name.includes(want.name));
    return reached === i ? { index: i, flag: want.name } : { index: reached, flag: want.name, requested: i };
  }
  const found = listed.findIndex((a) => a.name.includes(v));
  if (found < 0) throw new Error(`LAYERFUSE_WEBGPU_ADAPTER=${v}: no adapter name contains '${v}'; ${describeList(listed)}`);
  return { index: found, flag: v };
}

/** One line for logs: `NVIDIA GeForce RTX 4090 (nvidia ada, vulkan, adapter 0)`. */
export function describeAdapter(a: AdapterFacts): string {
  const kind = [a.vendor, a.architecture].filter((s) => s !== '').join(' ');
  return `${a.name}${kind ? ` (${kind}, ${a.backend}, adapter ${a.index})` : ` (${a.backend}, adapter ${a.index})`}${a.software ? ', software' : ''}`;
}
