/**
 * The model node family: `model/load` (a Hugging Face checkpoint directory), `model/train`
 * (a BERT classifier from scratch), `model/finetune` (continue training a model), and
 * `model/export` (a Hugging Face directory, published to results/). Tensor work runs in
 * workers; src/ml is imported inside `run` only.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { BertClassifier } from '../ml/bert/model.js';
import type { DatasetManifest } from '../ml/data/index.js';
import type { TokenizerManifest } from '../ml/tokenizer/index.js';
import { asModelManifest, exportManifest, loadModel, storeModel, withLayers } from './model-artifact.js';
import { NodeError, type Artifact, type BlobRef, type FilesManifest, type JsonSchema, type NodeContext, type NodeType } from './types.js';

export interface TrainingParams {
  epochs?: number;
  batch_size?: number;
  lr?: number;
  weight_decay?: number;
  warmup?: number;
  dropout?: number;
  clip?: number;
  seed?: number;
}

export interface LoadParams {
  path: string;
  num_labels?: number;
  labels?: string[];
  seed?: number;
  max_length?: number;
}

export interface TrainParams extends TrainingParams {
  layers?: number;
  hidden?: number;
  heads?: number;
  intermediate?: number;
  max_length?: number;
}

export interface ExportParams {
  layers?: number[];
}

function trainingSchema(defaults: { epochs: number; lr: number; batch_size: number }): Record<string, JsonSchema> {
  return {
    epochs: { type: 'integer', minimum: 1, default: defaults.epochs, description: 'Passes over the train split.' },
    batch_size: { type: 'integer', minimum: 1, default: defaults.batch_size, description: 'Examples per step.' },
    lr: { type: 'number', exclusiveMinimum: 0, default: defaults.lr, description: 'Peak AdamW learning rate (after linear warmup, then linear decay to 0).' },
    weight_decay: { type: 'number', minimum: 0, default: 0.01, description: 'Decoupled weight decay; never on biases and LayerNorm weights.' },
    warmup: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Linear warmup, as a fraction of all steps.' },
    dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Hidden and attention dropout during training.' },
    clip: { type: 'number', minimum: 0, default: 1, description: 'Max global gradient norm (0: no clipping).' },
    seed: { type: 'integer', default: 42, description: 'Seeds initialisation, batch shuffling and dropout.' },
  };
}

function relPath(ctx: NodeContext, path: string): string {
  if (isAbsolute(path)) throw new NodeError(`${ctx.nodeId}: path '${path}' must be relative to the pipeline directory`);
  return resolve(ctx.pipelineDir, path);
}

async function backend(ctx: NodeContext): Promise<string> {
  const { initBackend, backendFacts, backendLog } = await import('../ml/backend.js');
  const name = await initBackend(ctx.backend);
  ctx.record({ ...backendFacts() });
  for (const line of backendLog()) ctx.log(line);
  return name;
}

function one(input: Artifact | Artifact[] | undefined, nodeId: string, port: string, type: string): Artifact {
  if (input === undefined || Array.isArray(input) || input.type !== type) throw new NodeError(`${nodeId}: input ${port} must be one ${type}`);
  return input;
}

/** Train `model` in place on the dataset's train split, with a progress bar. */
async function fit(ctx: NodeContext, model: BertClassifier, data: DatasetManifest, tokenizer: TokenizerManifest, p: TrainingParams, defaults: { epochs: number; lr: number; batch_size: number }): Promise<void> {
  const dataLib = await import('../ml/data/index.js');
  const { loadTokenizer } = await import('../ml/tokenizer/index.js');
  const { train } = await import('../ml/train/index.js');
  if (data.labels.length !== model.config.numLabels) {
    throw new NodeError(`${ctx.nodeId}: the dataset has ${data.labels.length} classes but the model's classifier has ${model.config.numLabels}`);
  }
  const tok = await loadTokenizer(ctx, tokenizer);
  if (tok.vocabSize > model.config.vocabSize) throw new NodeError(`${ctx.nodeId}: tokenizer has ${tok.vocabSize} tokens but the model's vocabulary ${model.config.vocabSize}`);
  const examples = await dataLib.readSplit(ctx, data, 'train');
  if (examples.length === 0) throw new NodeError(`${ctx.nodeId}: the train split is empty`);
  const encoded = dataLib.encodeExamples(tok, examples);
  const seed = p.seed ?? 42;
  const batchSize = p.batch_size ?? defaults.batch_size;
  // Length-bucketed batches cut padding; the order is a seeded shuffle per epoch.
  const batches = (epoch: number): ReturnType<typeof dataLib.makeBatches> =>
    dataLib.makeBatches(encoded, batchSize, { shuffleSeed: seed * 1009 + epoch, sortByLength: true, padTokenId: tokenizer.specialIds.pad });
  const started = Date.now();
  let last = 0;
  // The loop refuses a non-finite loss (a diverged run must not be stored); name the node.
  const result = await guardDivergence(ctx.nodeId, () =>
    train(model, batches, {
      epochs: p.epochs ?? defaults.epochs,
      lr: p.lr ?? defaults.lr,
      weightDecay: p.weight_decay ?? 0.01,
      warmup: p.warmup ?? 0.1,
      clip: p.clip ?? 1,
      dropout: p.dropout ?? 0.1,
      seed,
      signal: ctx.signal,
      onProgress: ({ step, total, loss, epoch }) => {
        // An exponential moving average reads better than the noisy per-batch loss.
        last = step === 1 ? loss : 0.95 * last + 0.05 * loss;
        ctx.progress({ done: step, total, message: `epoch ${epoch + 1} loss ${last.toFixed(4)}` });
      },
    }));
  const seconds = (Date.now() - started) / 1000;
  ctx.log(`trained ${result.steps} steps on ${examples.length} examples in ${seconds.toFixed(1)} s; epoch losses ${result.epochLoss.map((l) => l.toFixed(4)).join(', ')}`);
  ctx.record({ trainSeconds: seconds, steps: result.steps, finalEpochLoss: result.epochLoss[result.epochLoss.length - 1] });
}

async function guardDivergence<T>(nodeId: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('training diverged')) throw new NodeError(`${nodeId}: ${e.message}`);
    throw e;
  }
}

/** NaN or infinite weights make every downstream number meaningless: refuse them where they enter. */
async function assertFiniteWeights(nodeId: string, model: BertClassifier, what: string): Promise<void> {
  for (const name of model.paramNames()) {
    const data = await model.param(name).data();
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) throw new NodeError(`${nodeId}: ${what}: tensor ${name} holds ${v} (at flat index ${i})`);
    }
  }
}

export const loadNode: NodeType<LoadParams> = {
  type: 'model/load',
  version: 1,
  description: 'A Hugging Face BERT checkpoint directory (config.json, model.safetensors, vocab.txt or tokenizer.json): BertForSequenceClassification, or a bare BertModel with a new seeded classifier head.',
  params: {
    path: { type: 'string', description: 'Checkpoint directory, relative to the pipeline directory.' },
    num_labels: { type: 'integer', minimum: 2, description: 'Classes of a new head (bare BertModel checkpoints only; names become LABEL_i).' },
    labels: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true, description: "Class names (index = class id): a bare BertModel's new head, or renaming a classifier's classes." },
    seed: { type: 'integer', default: 0, description: 'Seed of a new classifier head.' },
    max_length: { type: 'integer', minimum: 3, maximum: 4096, default: 128, description: 'Longest encoded sequence for the tokenizer, [CLS] and [SEP] included.' },
  },
  required: ['path'],
  inputs: {},
  outputs: {
    model: { type: 'model', description: 'The classifier.' },
    tokenizer: { type: 'tokenizer', description: "The checkpoint's tokenizer." },
  },
  worker: true,
  // Every file directly in the directory: a checkpoint has vocab.txt or tokenizer.json (either
  // may be absent) and the executor rejects a pattern that matches nothing, so one `*` pattern
  // covers them; a missing config.json or model.safetensors is then the loader's clear error.
  inputFiles: (p) => [`${p.path}/*`],

  async run(ctx, p) {
    const dir = relPath(ctx, p.path);
    await backend(ctx);
    const { loadCheckpoint } = await import('../ml/checkpoint/index.js');
    const tk = await import('../ml/tokenizer/index.js');
    let loaded;
    try {
      loaded = await loadCheckpoint(dir, { seed: p.seed ?? 0, ...(p.labels ? { labels: p.labels } : {}), ...(p.num_labels !== undefined ? { numLabels: p.num_labels } : {}) });
    } catch (e) {
      throw new NodeError(`${ctx.nodeId}: ${(e as Error).message}`);
    }
    try {
      if (loaded.newHead) ctx.log(`bare BertModel: new classifier head for ${loaded.config.numLabels} classes (seed ${p.seed ?? 0})`);
      if (loaded.ignored.length) ctx.log(`ignored ${loaded.ignored.length} checkpoint keys: ${loaded.ignored.join(', ')}`);
      let tok;
      try {
        tok = await tk.tokenizerFromFiles(dir, { maxLength: Math.min(p.max_length ?? 128, loaded.config.maxPositions) });
      } catch (e) {
        throw new NodeError(`${ctx.nodeId}: ${(e as Error).message}`);
      }
      if (tok.vocabSize > loaded.config.vocabSize) throw new NodeError(`${ctx.nodeId}: the tokenizer has ${tok.vocabSize} tokens but config.json's vocab_size is ${loaded.config.vocabSize}`);
      await assertFiniteWeights(ctx.nodeId, loaded.model, `checkpoint ${p.path}`);
      const tokenizer = await tk.storeTokenizer(ctx, tok, { kind: 'checkpoint', path: p.path });
      const model = await storeModel(ctx, loaded.model, { tokenizer });
      ctx.log(`loaded ${loaded.config.numLayers} layers, ${loaded.model.parameterCount()} parameters`);
      return { model, tokenizer };
    } finally {
      loaded.model.dispose();
    }
  },
};

const TRAIN_DEFAULTS = { epochs: 3, lr: 1e-3, batch_size: 32 };
const FINETUNE_DEFAULTS = { epochs: 3, lr: 2e-5, batch_size: 32 };

export const trainNode: NodeType<TrainParams> = {
  type: 'model/train',
  version: 1,
  description: 'Train a BERT classifier from scratch on the dataset\'s train split (HF init, AdamW, linear warmup and decay, dropout, clipping; seeded).',
  params: {
    layers: { type: 'integer', minimum: 1, maximum: 48, default: 4, description: 'Encoder layers.' },
    hidden: { type: 'integer', minimum: 8, default: 128, description: 'Hidden size (a multiple of heads).' },
    heads: { type: 'integer', minimum: 1, default: 4, description: 'Attention heads.' },
    intermediate: { type: 'integer', minimum: 8, default: 512, description: 'FFN inner size.' },
    max_length: { type: 'integer', minimum: 3, maximum: 4096, description: "Position embeddings (longest sequence). Absent: the tokenizer's max length." },
    ...trainingSchema(TRAIN_DEFAULTS),
  },
  inputs: {
    data: { type: 'dataset', description: 'Labelled data; the train split is read.' },
    tokenizer: { type: 'tokenizer', description: 'Tokenizer (e.g. tokenizer/wordpiece on the same data).' },
  },
  outputs: { model: { type: 'model', description: 'The trained classifier.' } },
  worker: true,

  async run(ctx, p, inputs) {
    const { asDatasetManifest } = await import('../ml/data/index.js');
    const { asTokenizerManifest } = await import('../ml/tokenizer/index.js');
    const data = asDatasetManifest(one(inputs.data, ctx.nodeId, 'data', 'dataset').manifest, `${ctx.nodeId}: input data`);
    const tokenizer = asTokenizerManifest(one(inputs.tokenizer, ctx.nodeId, 'tokenizer', 'tokenizer').manifest, `${ctx.nodeId}: input tokenizer`);
    const hidden = p.hidden ?? 128;
    const heads = p.heads ?? 4;
    if (hidden % heads !== 0) throw new NodeError(`${ctx.nodeId}: hidden ${hidden} is not a multiple of heads ${heads}`);
    const maxLength = p.max_length ?? tokenizer.maxLength;
    if (maxLength < tokenizer.maxLength) throw new NodeError(`${ctx.nodeId}: max_length ${maxLength} is shorter than the tokenizer's ${tokenizer.maxLength}`);
    await backend(ctx);
    const { makeConfig } = await import('../ml/bert/config.js');
    const { BertClassifier } = await import('../ml/bert/model.js');
    const dropout = p.dropout ?? 0.1;
    const config = makeConfig({
      vocabSize: tokenizer.vocabSize,
      numLabels: data.labels.length,
      labels: data.labels,
      hiddenSize: hidden,
      numLayers: p.layers ?? 4,
      numHeads: heads,
      intermediateSize: p.intermediate ?? 512,
      maxPositions: maxLength,
      padTokenId: tokenizer.specialIds.pad,
      hiddenDropout: dropout,
      attentionDropout: dropout,
    });
    const model = BertClassifier.create(config, { seed: p.seed ?? 42 });
    try {
      ctx.log(`model: ${config.numLayers} layers, hidden ${hidden}, ${heads} heads, ffn ${config.intermediateSize}, ${model.parameterCount()} parameters`);
      await fit(ctx, model, data, tokenizer, p, TRAIN_DEFAULTS);
      return { model: await storeModel(ctx, model, { tokenizer }) };
    } finally {
      model.dispose();
    }
  },
};

export const finetuneNode: NodeType<TrainingParams> = {
  type: 'model/finetune',
  version: 1,
  description: "Continue training a model (all its kept layers, embeddings, pooler, classifier) on the dataset's train split; its tokenizer travels with it.",
  params: trainingSchema(FINETUNE_DEFAULTS),
  inputs: {
    model: { type: 'model', description: 'The model to fine-tune (e.g. model/load).' },
    data: { type: 'dataset', description: 'Labelled data; the train split is read.' },
  },
  outputs: { model: { type: 'model', description: 'The fine-tuned classifier.' } },
  worker: true,

  async run(ctx, p, inputs) {
    const { asDatasetManifest } = await import('../ml/data/index.js');
    const { asTokenizerManifest } = await import('../ml/tokenizer/index.js');
    const manifest = asModelManifest(inputs.model, ctx.nodeId);
    const data = asDatasetManifest(one(inputs.data, ctx.nodeId, 'data', 'dataset').manifest, `${ctx.nodeId}: input data`);
    const tokenizer = asTokenizerManifest(manifest.tokenizer, `${ctx.nodeId}: the model's tokenizer`);
    await backend(ctx);
    const loaded = await loadModel(ctx, manifest);
    try {
      await fit(ctx, loaded.model, data, tokenizer, p, FINETUNE_DEFAULTS);
      return { model: await storeModel(ctx, loaded.model, { tokenizer }) };
    } finally {
      loaded.dispose();
    }
  },
};

export const exportNode: NodeType<ExportParams> = {
  type: 'model/export',
  version: 1,
  description: 'Write a model (pruned or not) as a Hugging Face directory: config.json, model.safetensors (kept layers renumbered 0..k-1), tokenizer files; published to results/.',
  params: {
    layers: {
      type: 'array',
      items: { type: 'integer', minimum: 0 },
      uniqueItems: true,
      description: "Kept layers (0-based original indices), a subset of the model's. Absent: the model's own kept layers.",
    },
  },
  inputs: { model: { type: 'model', description: 'The model to export.' } },
  outputs: { files: { type: 'files', description: 'The Hugging Face directory.', publish: true } },
  worker: true,

  async run(ctx, p, inputs) {
    const { asTokenizerManifest, tokenizerFiles } = await import('../ml/tokenizer/index.js');
    let manifest = asModelManifest(inputs.model, ctx.nodeId);
    if (p.layers) {
      try {
        manifest = withLayers(manifest, p.layers);
      } catch (e) {
        throw new NodeError(`${ctx.nodeId}: ${(e as Error).message}`);
      }
    }
    const tok = await tokenizerFiles(ctx, asTokenizerManifest(manifest.tokenizer, `${ctx.nodeId}: the model's tokenizer`));
    const dir = join(ctx.tmpDir, 'export');
    const names = await exportManifest(ctx, manifest, dir, tok);
    const files: Record<string, BlobRef> = {};
    for (const name of names) files[name] = await ctx.putFile(join(dir, name));
    ctx.log(`exported ${manifest.layers.length} layers (original [${manifest.layers.join(', ')}]) as ${names.join(', ')}`);
    const out: FilesManifest = { files };
    return { files: out };
  },
};

export const modelNodes: ReadonlyArray<NodeType<never>> = [loadNode, trainNode, finetuneNode, exportNode] as unknown as ReadonlyArray<NodeType<never>>;
