/**
 * ONNX Runtime as a LayerEngine: one session for the embeddings, one per encoder layer (built
 * on first use), one for the head; hidden states pass between them as ORT tensors. Any
 * kept-layer set is a composition of these sessions, so no set needs a new export.
 *
 * With `wholeGraphs > 0`, `logits(batch, kept)` runs a whole-model session per kept set
 * instead, built on first use and kept in a small LRU. It is off by default: bench/engines.ts
 * measured it no faster than the composed per-layer sessions (process CPU time within 5% at
 * both shapes), while each such session costs a graph build (seconds at bert-base) and its own
 * copy of the prepacked weights (hundreds of MB at bert-base).
 */
import type { Batch } from '../types.js';
import type { LayerEngine } from '../engine/types.js';
import type { EngineModel } from '../engine/model.js';
import { ATTENTION_MASK, INPUT_IDS, TOKEN_TYPE_IDS } from './bert-graph.js';
import { FeedCache } from './feeds.js';
import { createSession, loadOrt, type OrtModule, type OrtOptions, type OrtSession, type OrtTensor } from './runtime.js';
import { embeddingsModel, headModel, HIDDEN_IN, HIDDEN_OUT, layerModel, LOGITS, wholeModel, type GraphOptions } from './stage-models.js';
import { WeightTable } from './weights.js';

export interface OrtEngineOptions extends OrtOptions {
  /**
   * Whole-model sessions kept for `logits(batch, kept)` (LRU, one per kept set); 0 (default)
   * leaves `logits` out, so callers compose the per-layer sessions.
   */
  wholeGraphs?: number;
  /**
   * `per-layer` (default): one graph per layer with its weights as initializers. `shared`: one
   * graph for every layer with the weights as inputs, fed with each run (cheaper to build,
   * but ORT cannot prepack weights it does not know ahead).
   */
  layerGraphs?: 'per-layer' | 'shared';
  /** Attention as ORT's fused com.microsoft Attention op (default true; false: standard ops). */
  fusedAttention?: boolean;
}

const LAYER_RE = /^bert\.encoder\.layer\.(\d+)\.(.*)$/;

export class OrtLayerEngine implements LayerEngine<OrtTensor> {
  readonly name: string;
  readonly layers: readonly number[];
  readonly logits?: (batch: Batch, kept: readonly number[]) => Promise<Float32Array>;
  private readonly weights: WeightTable;
  private readonly feeds: FeedCache;
  private readonly graph: GraphOptions;
  private readonly sessions = new Map<string, Promise<OrtSession>>();
  private readonly whole = new Map<string, Promise<OrtSession>>();
  /** For `layerGraphs: 'shared'`: each layer's weights as ORT tensors, fed with every run. */
  private readonly layerFeeds = new Map<number, Record<string, OrtTensor>>();
  private disposed = false;

  private constructor(
    private readonly ort: OrtModule,
    private readonly model: EngineModel,
    private readonly opts: OrtEngineOptions,
  ) {
    this.name = `onnxruntime-${opts.provider ?? 'cpu'}`;
    this.layers = Object.freeze([...model.layers]);
    this.weights = new WeightTable(model);
    this.feeds = new FeedCache(ort, model.config);
    this.graph = { fused: opts.fusedAttention ?? true };
    if ((opts.wholeGraphs ?? 0) > 0) this.logits = (batch, kept) => this.wholeLogits(batch, kept);
  }

  /** Load ONNX Runtime and build the embeddings session (a provider that cannot start fails here). */
  static async create(model: EngineModel, opts: OrtEngineOptions = {}): Promise<OrtLayerEngine> {
    const ort = await loadOrt();
    const engine = new OrtLayerEngine(ort, model, opts);
    await engine.session('embeddings');
    return engine;
  }

  private bytes(key: string): Uint8Array {
    if (key === 'embeddings') return embeddingsModel(this.model, this.weights);
    if (key === 'head') return headModel(this.model, this.weights);
    if (key === 'shared') return layerModel(this.model, this.weights, this.layers[0]!, 'inputs', this.graph);
    return layerModel(this.model, this.weights, Number(key.slice('layer.'.length)), 'initializers', this.graph);
  }

  private session(key: string): Promise<OrtSession> {
    if (this.disposed) throw new Error(`${this.name}: engine used after dispose()`);
    let s = this.sessions.get(key);
    if (!s) {
      s = createSession(this.ort, this.bytes(key), this.opts, `the ${key} graph`);
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
    }
    return s;
  }

  private checkLayer(layer: number): void {
    if (!this.layers.includes(layer)) throw new Error(`${this.name}: layer ${layer} is not in this model (held: [${this.layers.join(', ')}])`);
  }

  /** Layer `layer`'s weights under the names of the shared graph's inputs (the first layer's). */
  private weightFeeds(session: OrtSession, layer: number): Record<string, OrtTensor> {
    let f = this.layerFeeds.get(layer);
    if (!f) {
      f = {};
      for (const input of session.inputNames) {
        const m = LAYER_RE.exec(input);
        if (!m) continue;
        const w = this.weights.get(`bert.encoder.layer.${layer}.${m[2]!}`);
        f[input] = new this.ort.Tensor('float32', w.data, w.dims);
      }
      this.layerFeeds.set(layer, f);
    }
    return f;
  }

  async embed(batch: Batch): Promise<OrtTensor> {
    const f = this.feeds.get(batch);
    const out = await (await this.session('embeddings')).run({ [INPUT_IDS]: f[INPUT_IDS], [TOKEN_TYPE_IDS]: f[TOKEN_TYPE_IDS] });
    return out[HIDDEN_OUT] as OrtTensor;
  }

  async layer(layer: number, h: OrtTensor, batch: Batch): Promise<OrtTensor> {
    this.checkLayer(layer);
    const feeds: Record<string, OrtTensor> = { [HIDDEN_IN]: h, [ATTENTION_MASK]: this.feeds.get(batch)[ATTENTION_MASK] };
    const shared = this.opts.layerGraphs === 'shared';
    const session = await this.session(shared ? 'shared' : `layer.${layer}`);
    if (shared) Object.assign(feeds, this.weightFeeds(session, layer));
    const out = await session.run(feeds);
    return out[HIDDEN_OUT] as OrtTensor;
  }

  async head(h: OrtTensor): Promise<Float32Array> {
    const out = await (await this.session('head')).run({ [HIDDEN_IN]: h });
    return (out[LOGITS] as OrtTensor).data as Float32Array;
  }

  private async wholeLogits(batch: Batch, kept: readonly number[]): Promise<Float32Array> {
    if (this.disposed) throw new Error(`${this.name}: engine used after dispose()`);
    kept.forEach((l) => this.checkLayer(l));
    const key = kept.join(',');
    let s = this.whole.get(key);
    if (s) {
      this.whole.delete(key); // re-inserted below: the most recently used is last
    } else {
      s = createSession(this.ort, wholeModel(this.model, this.weights, kept, this.graph), this.opts, `the whole model over layers [${key}]`);
      s.catch(() => this.whole.delete(key));
      while (this.whole.size >= (this.opts.wholeGraphs ?? 0)) {
        const [oldest, old] = this.whole.entries().next().value as [string, Promise<OrtSession>];
        this.whole.delete(oldest);
        void old.then((x) => x.release()).catch(() => undefined);
      }
    }
    this.whole.set(key, s);
    const out = await (await s).run({ ...this.feeds.get(batch) });
    return (out[LOGITS] as OrtTensor).data as Float32Array;
  }

  release(h: OrtTensor): void {
    h.dispose();
  }

  sizeOf(h: OrtTensor): number {
    return h.size * 4;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const all = [...this.sessions.values(), ...this.whole.values()];
    this.sessions.clear();
    this.whole.clear();
    this.layerFeeds.clear();
    await Promise.all(all.map((s) => s.then((x) => x.release()).catch(() => undefined)));
  }
}
