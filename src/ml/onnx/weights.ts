/**
 * Weights as an ONNX graph sees them: HF tensors by name, dense kernels transposed to [in, out]
 * once (memoized, since the per-layer, head and whole-model graphs of one engine share them).
 */
import { isDenseKernel } from '../bert/names.js';
import type { EngineModel } from '../engine/model.js';

export class OnnxWeightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxWeightError';
  }
}

/** [rows, cols] row-major -> [cols, rows], in 32x32 tiles (1.6x the plain loop at bert-base). */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = data[base + c]!;
      }
    }
  }
  return out;
}

export interface GraphWeight {
  data: Float32Array;
  /** Shape as the graph uses it ([in, out] for kernels). */
  dims: number[];
}

export class WeightTable {
  private readonly cache = new Map<string, GraphWeight>();

  constructor(private readonly model: EngineModel) {}

  get(name: string): GraphWeight {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const packed = PACKED_QKV.exec(name);
    if (packed) return this.packQkv(name, packed[1]!, packed[2]!);
    const t = this.model.tensors.get(name);
    if (!t) throw new OnnxWeightError(`ONNX graph: the model has no tensor ${name}`);
    if (!(t.data instanceof Float32Array)) throw new OnnxWeightError(`ONNX graph: tensor ${name} is ${t.dtype}, want a floating type read as F32`);
    let w: GraphWeight;
    if (isDenseKernel(name)) {
      const [rows, cols] = t.shape as [number, number];
      w = { data: transpose(t.data, rows, cols), dims: [cols, rows] };
    } else {
      w = { data: t.data, dims: [...t.shape] };
    }
    this.cache.set(name, w);
    return w;
  }

  /** Q, K and V side by side ([in, 3·out] kernel or [3·out] bias), for a fused attention op. */
  private packQkv(name: string, prefix: string, kind: string): GraphWeight {
    const parts = ['query', 'key', 'value'].map((p) => this.get(`${prefix}attention.self.${p}.${kind}`));
    let w: GraphWeight;
    if (kind === 'bias') {
      const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
      let at = 0;
      for (const p of parts) {
        data.set(p.data, at);
        at += p.data.length;
      }
      w = { data, dims: [data.length] };
    } else {
      const [rows, cols] = parts[0]!.dims as [number, number];
      const data = new Float32Array(rows * cols * 3);
      for (let r = 0; r < rows; r++) parts.forEach((p, i) => data.set(p.data.subarray(r * cols, (r + 1) * cols), r * cols * 3 + i * cols));
      w = { data, dims: [rows, cols * 3] };
    }
    this.cache.set(name, w);
    return w;
  }
}

/** Synthesized names of a layer's packed Q/K/V weights: `<layer prefix>attention.self.qkv.weight|bias`. */
const PACKED_QKV = /^(bert\.encoder\.layer\.\d+\.)attention\.self\.qkv\.(weight|bias)$/;

export function packedQkvName(layerPrefix: string, kind: 'weight' | 'bias'): string {
  return `${layerPrefix}attention.self.qkv.${kind}`;
}
