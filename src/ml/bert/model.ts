/**
 * The BERT sequence classifier's weights (tfjs-layers shape: config validated up front, weights
 * created once as variables, config and weights round-trip to Hugging Face form). The compute
 * lives in forward.ts; gradients in gradients.ts.
 *
 * A model holds the encoder layers listed in `layers` (original 0-based indices); a pruned model
 * is one whose list skips some. Parameters are keyed by HF names with original layer indices.
 * Dense kernels are held [in, out] (HF: [out, in]); see names.ts `isDenseKernel`.
 */
import { InputError } from '../../artifacts/errors.js';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../types.js';
import type { TensorData } from '../../artifacts/types.js';
import { checkConfigSize, validateConfig } from './config.js';
import { countParameters, isDenseKernel, layerOfName, paramShapes, layerPrefix } from './names.js';
import { readBack } from '../read-back.js';

export class ModelError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/** [rows, cols] row-major -> [cols, rows]. In JS: runs once per load/export, off the tensor engine. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}

/** Mulberry32: a tiny seeded PRNG for derived seeds (tf.randomNormal does the sampling). */
function deriveSeed(seed: number, index: number): number {
  let t = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) % 2147483647;
}

/** HF `_init_weights`: normal(0, 0.02) weights and embeddings, padding row 0, LayerNorm 1/0, biases 0. */
function initTensor(name: string, shape: number[], config: BertConfig, seed: number, index: number): tf.Tensor {
  if (name.includes('LayerNorm.weight')) return tf.ones(shape);
  if (name.endsWith('.bias')) return tf.zeros(shape);
  return tf.tidy(() => {
    let t = tf.randomNormal(shape, 0, 0.02, 'float32', deriveSeed(seed, index));
    if (name === 'bert.embeddings.word_embeddings.weight' && config.padTokenId >= 0 && config.padTokenId < shape[0]!) {
      const keep = tf.reshape(tf.oneHot(tf.tensor1d([config.padTokenId], 'int32'), shape[0]!), [shape[0]!, 1]);
      t = tf.mul(t, tf.sub(1, keep));
    }
    return t;
  });
}

export interface CreateOptions {
  seed: number;
  /** Kept layers (original indices); default all. */
  layers?: number[];
}

export interface FromHFOptions {
  layers?: number[];
  /** When the checkpoint has no classifier: initialise one with this seed (bare BertModel). */
  newHeadSeed?: number;
  /** Names the source in errors. */
  source?: string;
}

export class BertClassifier {
  readonly config: BertConfig;
  /** Encoder layers this model holds, original indices, ascending. */
  readonly layers: readonly number[];
  private readonly vars: Map<string, tf.Variable>;
  private disposed = false;

  private constructor(config: BertConfig, layers: number[], vars: Map<string, tf.Variable>) {
    this.config = config;
    this.layers = Object.freeze([...layers]);
    this.vars = vars;
  }

  private static checkLayers(config: BertConfig, layers: number[] | undefined): number[] {
    const all = Array.from({ length: config.numLayers }, (_, i) => i);
    if (layers === undefined) return all;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (!Number.isInteger(l) || l < 0 || l >= config.numLayers) throw new ModelError(`layer ${l} out of range 0..${config.numLayers - 1}`);
      if (i > 0 && l <= layers[i - 1]!) throw new ModelError(`layers must be ascending and distinct, got [${layers.join(', ')}]`);
    }
    return [...layers];
  }

  /** A freshly initialised model (HF init), reproducible from `seed`. */
  static create(config: BertConfig, opts: CreateOptions): BertClassifier {
    validateConfig(config);
    checkConfigSize(config);
    const layers = BertClassifier.checkLayers(config, opts.layers);
    const vars = new Map<string, tf.Variable>();
    let index = 0;
    for (const [name, hfShape] of paramShapes(config, layers)) {
      const shape = isDenseKernel(name) ? [hfShape[1]!, hfShape[0]!] : hfShape;
      const t = initTensor(name, shape, config, opts.seed, index++);
      vars.set(name, tf.variable(t, true));
      t.dispose();
    }
    return new BertClassifier(config, layers, vars);
  }

  /**
   * Build from HF tensors (canonical names `bert.*` + `classifier.*`, HF [out, in] layout).
   * Every expected tensor must be present with its shape, and nothing else (errors list them).
   */
  static fromHF(config: BertConfig, tensors: ReadonlyMap<string, TensorData>, opts: FromHFOptions = {}): BertClassifier {
    validateConfig(config);
    const source = opts.source ?? 'checkpoint';
    checkConfigSize(config, source);
    const layers = BertClassifier.checkLayers(config, opts.layers);
    const shapes = paramShapes(config, layers);
    const newHead = opts.newHeadSeed !== undefined && !tensors.has('classifier.weight') && !tensors.has('classifier.bias');
    const missing: string[] = [];
    const mismatched: string[] = [];
    for (const [name, shape] of shapes) {
      if (newHead && name.startsWith('classifier.')) continue;
      const t = tensors.get(name);
      if (!t) missing.push(`${name} ${JSON.stringify(shape)}`);
      else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        mismatched.push(`${name}: file ${JSON.stringify(t.shape)}, config wants ${JSON.stringify(shape)}`);
      } else if (!(t.data instanceof Float32Array)) mismatched.push(`${name}: dtype ${t.dtype}, want a floating type`);
    }
    // Tensors of valid layers that are not kept are skipped, not errors (loading a pruned view).
    const skipped = (n: string): boolean => {
      const l = layerOfName(n);
      return l !== undefined && l < config.numLayers && !layers.includes(l);
    };
    const extra = [...tensors.keys()].filter((n) => !shapes.has(n) && !skipped(n));
    const problems: string[] = [];
    if (missing.length) problems.push(`missing tensors:\n    ${missing.join('\n    ')}`);
    if (mismatched.length) problems.push(`shape mismatches:\n    ${mismatched.join('\n    ')}`);
    if (extra.length) problems.push(`unexpected tensors:\n    ${extra.map((n) => `${n} ${JSON.stringify(tensors.get(n)!.shape)}`).join('\n    ')}`);
    if (problems.length) throw new ModelError(`${source}: ${problems.join('\n  ')}`);

    const vars = new Map<string, tf.Variable>();
    let index = 0;
    try {
      for (const [name, shape] of shapes) {
        const src = tensors.get(name);
        let t: tf.Tensor;
        if (!src) t = initTensor(name, isDenseKernel(name) ? [shape[1]!, shape[0]!] : shape, config, opts.newHeadSeed ?? 0, 1_000_000 + index);
        else if (isDenseKernel(name)) t = tf.tensor(transpose2d(src.data as Float32Array, shape[0]!, shape[1]!), [shape[1]!, shape[0]!], 'float32');
        else t = tf.tensor(src.data as Float32Array, shape, 'float32');
        index++;
        vars.set(name, tf.variable(t, true));
        t.dispose();
      }
    } catch (e) {
      for (const v of vars.values()) v.dispose();
      throw e;
    }
    return new BertClassifier(config, layers, vars);
  }

  private live(): void {
    if (this.disposed) throw new ModelError('model used after dispose()');
  }

  /** The parameter variable of an HF name (kernels [in, out]). */
  param(name: string): tf.Variable {
    this.live();
    const v = this.vars.get(name);
    if (!v) throw new ModelError(`no parameter ${name} (held layers: [${this.layers.join(', ')}])`);
    return v;
  }

  /** Parameter names in a fixed order (embeddings, layers ascending, pooler, classifier). */
  paramNames(): string[] {
    return [...this.vars.keys()];
  }

  /** Parameters used by a forward over `layers` (default: all held). */
  paramsFor(layers: readonly number[] = this.layers): Map<string, tf.Variable> {
    this.live();
    const keep = new Set(layers);
    const out = new Map<string, tf.Variable>();
    for (const [name, v] of this.vars) {
      const l = layerOfName(name);
      if (l === undefined || keep.has(l)) out.set(name, v);
    }
    return out;
  }

  /** Check a kept-layer list against what this model holds. */
  resolveLayers(layers: readonly number[] | undefined): number[] {
    if (layers === undefined) return [...this.layers];
    const held = new Set(this.layers);
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (!held.has(l)) throw new ModelError(`layer ${l} is not in this model (held: [${this.layers.join(', ')}])`);
      if (i > 0 && l <= layers[i - 1]!) throw new ModelError(`kept layers must be ascending and distinct, got [${layers.join(', ')}]`);
    }
    return [...layers];
  }

  /** Exact parameter count with the given kept layers (default all held). */
  parameterCount(layers: readonly number[] = this.layers): number {
    return countParameters(this.config, layers);
  }

  /**
   * HF tensors (F32, [out, in] kernels) for the kept layers. With `renumber`, kept layers become
   * 0..k-1 (an export); otherwise names keep original indices (a manifest). Async: read with
   * data() (WebGPU in Node has no synchronous read).
   */
  async toHF(opts: { layers?: readonly number[]; renumber?: boolean } = {}): Promise<Map<string, TensorData>> {
    const layers = this.resolveLayers(opts.layers);
    const out = new Map<string, TensorData>();
    for (const [name, v] of this.paramsFor(layers)) {
      const data = (await readBack(v)) as Float32Array;
      let outName = name;
      const l = layerOfName(name);
      if (opts.renumber && l !== undefined) outName = layerPrefix(layers.indexOf(l)) + name.slice(layerPrefix(l).length);
      if (isDenseKernel(name)) {
        const [rows, cols] = v.shape as [number, number];
        out.set(outName, { dtype: 'F32', shape: [cols, rows], data: transpose2d(data, rows, cols) });
      } else {
        out.set(outName, { dtype: 'F32', shape: [...v.shape], data: Float32Array.from(data) });
      }
    }
    return out;
  }

  /** Overwrite parameters in place (training updates); values must match shapes. */
  assign(updates: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, t] of updates) this.param(name).assign(t);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
