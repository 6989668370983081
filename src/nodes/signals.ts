/**
 * `signals/capture`: ONE forward and backward pass over the calibration split collecting what
 * all twelve signals need (src/ml/signals/capture.ts), stored as tensors in a `signals`
 * manifest. Only parameters that change what is aggregated live here (`batch`, attention `eps`,
 * which statistic groups); everything applied afterwards belongs to the score nodes, so changing
 * a score's `bins` reruns that score alone.
 *
 * Weight signals: the manifest carries the TensorRefs of each layer's six weight matrices,
 * copied from the model manifest (the store is content-addressed, so this costs nothing) and
 * read by score/weight-* directly: no weight statistic is computed here, because `tau` and the
 * histogram `bins` are score parameters.
 */
import type { CapturedStats } from '../ml/signals/index.js';
import type { SplitName } from '../ml/data/index.js';
import { asModelManifest, loadModel } from './model-artifact.js';
import { NodeError, type Artifact, type JsonSchema, type NodeContext, type NodeType, type TensorRef } from './types.js';
import { WEIGHT_MATRIX_SUFFIXES } from '../ml/signals/weight-signals.js';

export const SIGNALS_FORMAT = 'layerfuse/signals@1';

/** Statistic groups a capture may keep (src/ml/signals CAPTURE_GROUPS; repeated to keep ml out of planning). */
const GROUPS = ['hidden', 'ffn', 'attention', 'gradients'] as const;

/** The six weight matrices of a layer (weight-signals.ts loads no tensor backend, so planning may import it). */
const WEIGHT_SUFFIXES = WEIGHT_MATRIX_SUFFIXES;

export interface SignalsManifest {
  format: typeof SIGNALS_FORMAT;
  /** Kept layers scored (original 0-based ids, forward order). */
  layers: number[];
  /** The split captured (calibration unless overridden). */
  split: string;
  n: number;
  hidden: number;
  intermediate: number;
  heads: number;
  tokens: number;
  batch: number;
  batches: number;
  eps: number;
  groups: string[];
  /** I32 [n]: class id per example. */
  labels: TensorRef;
  /** F64 [L, 6]: per layer sums of |h|, h^2, h<0, ffn<0, max attention, attention entropy. */
  sums: TensorRef;
  /** F64 [batches, L, 2]: mean |g| and mean g^2 per batch and layer (with `gradients`). */
  gradients?: TensorRef;
  /** F32 [L + 1, n, H]: mean-pooled and [CLS] vectors per example at each depth (with `hidden`). */
  pooled?: TensorRef;
  cls?: TensorRef;
  /** Per layer id: the six weight matrices (HF [out, in] layout), refs into the model's blobs. */
  weights: Record<string, TensorRef[]>;
}

export interface CaptureParams {
  batch?: number;
  eps?: number;
  tensors?: string[];
  split?: string;
}

export const captureParams: Record<string, JsonSchema> = {
  batch: {
    type: 'integer',
    minimum: 1,
    default: 16,
    description: 'Calibration examples per forward/backward pass; gradient signals average the per-batch gradients, so this changes them.',
  },
  eps: { type: 'number', minimum: 0, default: 1e-10, description: 'eps inside ln(a + eps) of the attention entropy.' },
  tensors: {
    type: 'array',
    items: { enum: [...GROUPS] },
    uniqueItems: true,
    minItems: 1,
    default: [...GROUPS],
    description:
      'Statistic groups to keep: `hidden` (layer outputs: activation and MI signals), `ffn` (FFN pre-activations: inhibition with tensor: ffn), `attention`, `gradients` (needs the backward pass). Weight signals need none.',
  },
  split: { type: 'string', default: 'calibration', description: 'Dataset split to capture over.' },
};

function oneInput(inputs: Record<string, Artifact | Artifact[] | undefined>, port: string, type: string, nodeId: string): Artifact {
  const a = inputs[port];
  if (a === undefined || Array.isArray(a) || a.type !== type) throw new NodeError(`${nodeId}: input ${port} must be one ${type}`);
  return a;
}

/** Rethrow bad-input errors of src/ml as NodeErrors naming the node. */
export function asNodeError(err: unknown, nodeId: string): never {
  if (err instanceof Error && ['SignalInputError', 'FusionInputError', 'DataError', 'ModelError'].includes(err.name)) {
    throw new NodeError(`${nodeId}: ${err.message}`);
  }
  throw err;
}

async function runCapture(ctx: NodeContext, p: CaptureParams, inputs: Record<string, Artifact | Artifact[] | undefined>): Promise<{ signals: SignalsManifest }> {
  const modelM = asModelManifest(inputs.model, ctx.nodeId);
  const dataA = oneInput(inputs, 'data', 'dataset', ctx.nodeId);
  const data = await import('../ml/data/index.js');
  const { loadTokenizer, asTokenizerManifest } = await import('../ml/tokenizer/index.js');
  const { initBackend, backendFacts, backendLog } = await import('../ml/backend.js');
  const sig = await import('../ml/signals/index.js');
  const dataset = data.asDatasetManifest(dataA.manifest, `${ctx.nodeId}: input data`);
  const split = p.split ?? 'calibration';
  if (!data.isSplitName(split)) throw new NodeError(`${ctx.nodeId}: unknown split '${split}' (train, validation, test or calibration)`);
  if (modelM.labels.length !== dataset.labels.length) {
    throw new NodeError(`${ctx.nodeId}: the model has ${modelM.labels.length} classes but the dataset has ${dataset.labels.length}`);
  }
  const batch = p.batch ?? 16;
  const eps = p.eps ?? 1e-10;
  const groups = (p.tensors ?? [...GROUPS]) as Array<(typeof GROUPS)[number]>;
  await initBackend(ctx.backend);
  ctx.record({ ...backendFacts() });
  for (const line of backendLog()) ctx.log(line);

  const examples = await data.readSplit(ctx, dataset, split as SplitName);
  const labels = Int32Array.from(examples, (e) => e.label);
  try {
    sig.classCount(labels);
  } catch (err) {
    throw new NodeError(`${ctx.nodeId}: ${split} split: ${(err as Error).message}`);
  }
  const tokManifest = asTokenizerManifest(modelM.tokenizer, `${ctx.nodeId}: the model's tokenizer`);
  const tok = await loadTokenizer(ctx, tokManifest, { maxLength: Math.min(tokManifest.maxLength, modelM.config.maxPositions) });
  const encoded = { ids: tok.encode(examples.map((e) => e.text)), labels };
  // Split order, no length sorting: the gradient signals depend on which examples share a batch.
  const batches = data.makeBatches(encoded, batch, { padTokenId: tok.specialIds.pad });

  const loaded = await loadModel(ctx, modelM);
  let stats: CapturedStats;
  try {
    stats = await sig.captureStats(loaded.model, batches, {
      eps,
      groups,
      onBatch: (done, total) => ctx.progress({ done, total, message: `capture ${split}` }),
    });
  } catch (err) {
    asNodeError(err, ctx.nodeId);
  } finally {
    loaded.dispose();
  }
  ctx.log(`captured ${stats.n} ${split} examples (${stats.tokens} tokens) in ${batches.length} batches of ${batch}, layers [${stats.layers.join(', ')}], groups ${groups.join(', ')}`);
  return { signals: await storeCaptured(ctx, stats, { split, batch, weights: weightRefs(modelM.tensors, stats.layers, ctx.nodeId) }) };
}

function weightRefs(tensors: Record<string, TensorRef>, layers: readonly number[], nodeId: string): Record<string, TensorRef[]> {
  const out: Record<string, TensorRef[]> = {};
  for (const l of layers) {
    out[String(l)] = WEIGHT_SUFFIXES.map((s) => {
      const ref = tensors[`bert.encoder.layer.${l}.${s}`];
      if (!ref) throw new NodeError(`${nodeId}: the model manifest lacks bert.encoder.layer.${l}.${s}`);
      return ref;
    });
  }
  return out;
}

/** Store captured statistics as tensors; the inverse of `readCaptured`. */
export async function storeCaptured(
  ctx: Pick<NodeContext, 'putTensor'>,
  s: CapturedStats,
  extra: { split: string; batch: number; weights: Record<string, TensorRef[]> },
): Promise<SignalsManifest> {
  const L = s.layers.length;
  const sums = new Float64Array(L * 6);
  const cols = [s.actAbsSum, s.actSqSum, s.actNegCount, s.ffnNegCount, s.attnMaxSum, s.attnEntropySum];
  for (let k = 0; k < L; k++) cols.forEach((c, j) => (sums[k * 6 + j] = c[k] as number));
  const m: SignalsManifest = {
    format: SIGNALS_FORMAT,
    layers: [...s.layers],
    split: extra.split,
    n: s.n,
    hidden: s.hidden,
    intermediate: s.intermediate,
    heads: s.heads,
    tokens: s.tokens,
    batch: extra.batch,
    batches: s.batches,
    eps: s.eps,
    groups: [...s.groups],
    labels: await ctx.putTensor({ dtype: 'I32', shape: [s.n], data: Int32Array.from(s.labels) }),
    sums: await ctx.putTensor({ dtype: 'F64', shape: [L, 6], data: sums }),
    weights: extra.weights,
  };
  if (s.batches > 0) {
    const g = new Float64Array(s.batches * L * 2);
    for (let i = 0; i < s.batches * L; i++) {
      g[2 * i] = s.gradAbsMean[i] as number;
      g[2 * i + 1] = s.gradSqMean[i] as number;
    }
    m.gradients = await ctx.putTensor({ dtype: 'F64', shape: [s.batches, L, 2], data: g });
  }
  if (s.pooled.length > 0) {
    const stack = (vs: Float32Array[]): Float32Array => {
      const out = new Float32Array((L + 1) * s.n * s.hidden);
      vs.forEach((v, d) => out.set(v, d * s.n * s.hidden));
      return out;
    };
    m.pooled = await ctx.putTensor({ dtype: 'F32', shape: [L + 1, s.n, s.hidden], data: stack(s.pooled) });
    m.cls = await ctx.putTensor({ dtype: 'F32', shape: [L + 1, s.n, s.hidden], data: stack(s.cls) });
  }
  return m;
}

export function asSignalsManifest(a: Artifact | Artifact[] | undefined, nodeId: string, port = 'signals'): SignalsManifest {
  if (a === undefined || Array.isArray(a)) throw new NodeError(`${nodeId}: input ${port} must be one signals capture`);
  const m = a.manifest as Partial<SignalsManifest> | null;
  if (!m || m.format !== SIGNALS_FORMAT || !Array.isArray(m.layers)) {
    throw new NodeError(`${nodeId}: input ${port} (from ${a.from.node}.${a.from.port}) is not a ${SIGNALS_FORMAT} manifest`);
  }
  return m as SignalsManifest;
}

/** Captured statistics back from the store; `vectors` also reads the pooled and [CLS] vectors. */
export async function readCaptured(ctx: Pick<NodeContext, 'getTensor' | 'nodeId'>, m: SignalsManifest, opts: { vectors?: boolean } = {}): Promise<CapturedStats> {
  const L = m.layers.length;
  const sums = (await ctx.getTensor(m.sums)).data as Float64Array;
  const col = (j: number): Float64Array => Float64Array.from({ length: L }, (_, k) => sums[k * 6 + j] as number);
  const gradAbs = new Float64Array(m.batches * L);
  const gradSq = new Float64Array(m.batches * L);
  if (m.gradients) {
    const g = (await ctx.getTensor(m.gradients)).data as Float64Array;
    for (let i = 0; i < m.batches * L; i++) {
      gradAbs[i] = g[2 * i] as number;
      gradSq[i] = g[2 * i + 1] as number;
    }
  }
  const unstack = async (ref: TensorRef | undefined): Promise<Float32Array[]> => {
    if (!opts.vectors || !ref) return [];
    const d = (await ctx.getTensor(ref)).data as Float32Array;
    const size = m.n * m.hidden;
    return Array.from({ length: L + 1 }, (_, k) => d.subarray(k * size, (k + 1) * size));
  };
  const stats: CapturedStats = {
    layers: [...m.layers],
    n: m.n,
    hidden: m.hidden,
    intermediate: m.intermediate,
    heads: m.heads,
    labels: (await ctx.getTensor(m.labels)).data as Int32Array,
    tokens: m.tokens,
    actAbsSum: col(0),
    actSqSum: col(1),
    actNegCount: col(2),
    ffnNegCount: col(3),
    attnMaxSum: col(4),
    attnEntropySum: col(5),
    pooled: await unstack(m.pooled),
    cls: await unstack(m.cls),
    batches: m.gradients ? m.batches : 0,
    gradAbsMean: gradAbs,
    gradSqMean: gradSq,
    eps: m.eps,
    groups: [...m.groups],
  };
  const { checkFinite } = await import('../ml/signals/index.js');
  try {
    checkFinite(stats);
  } catch (err) {
    asNodeError(err, ctx.nodeId);
  }
  return stats;
}

export const captureNode: NodeType<CaptureParams> = {
  type: 'signals/capture',
  version: 1,
  description:
    'One forward and backward pass over the calibration split collecting what every layer-importance signal needs (activation, attention and gradient statistics, pooled and [CLS] vectors per example), stored as tensors.',
  params: captureParams,
  inputs: {
    model: { type: 'model', description: 'The fine-tuned, unpruned classifier (or any kept-layer variant: its kept layers are scored).' },
    data: { type: 'dataset', description: 'The dataset; its calibration split is read (see `split`).' },
  },
  outputs: { signals: { type: 'signals', description: 'Captured statistics, read by the score/* nodes.' } },
  worker: true,
  run: runCapture,
};

export const signalsNodes: ReadonlyArray<NodeType<never>> = [captureNode] as unknown as ReadonlyArray<NodeType<never>>;
