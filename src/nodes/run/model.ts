/** Run bodies of the model family. */
import { join } from 'node:path';
import { NodeError } from '../../artifacts/errors.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { BlobRef, FilesManifest } from '../../artifacts/types.js';
import { makeConfig } from '../../ml/bert/config.js';
import { asModelManifest, withLayers, type ModelManifest } from '../../ml/bert/manifest.js';
import { BertClassifier } from '../../ml/bert/model.js';
import { loadModel, storeModel } from '../../ml/bert/store.js';
import { exportManifest, loadCheckpoint } from '../../ml/checkpoint/index.js';
import { asDatasetManifest, encodeExamples, makeBatches, readSplit, type DatasetManifest } from '../../ml/data/index.js';
import { asTokenizerManifest, loadTokenizer, storeTokenizer, tokenizerFiles, tokenizerFromFiles, type TokenizerManifest } from '../../ml/tokenizer/index.js';
import { train } from '../../ml/train/index.js';
import { readBack } from '../../ml/read-back.js';
import { implement } from '../family.js';
import { distillNode, exportNode, finetuneNode, loadNode, trainNode, type TrainingParams } from '../model.js';
import { pipelinePath, useBackend } from './common.js';
import { runDistill } from './distill.js';
import { releaseTfjsModel } from './engines.js';
import { releaseEvalCache } from './eval-memo.js';
import { checkAgainstMajority } from './majority.js';

/** Train `model` in place on the dataset's train split, with a progress bar. */
async function fit(ctx: NodeContext, model: BertClassifier, data: DatasetManifest, tokenizer: TokenizerManifest, p: TrainingParams): Promise<void> {
  if (data.labels.length !== model.config.numLabels) {
    throw new NodeError(`${ctx.nodeId}: the dataset has ${data.labels.length} classes but the model's classifier has ${model.config.numLabels}`);
  }
  // A model an earlier node of this worker left loaded would share training's memory.
  releaseTfjsModel();
  const tok = await loadTokenizer(ctx, tokenizer);
  if (tok.vocabSize > model.config.vocabSize) throw new NodeError(`${ctx.nodeId}: tokenizer has ${tok.vocabSize} tokens but the model's vocabulary ${model.config.vocabSize}`);
  const examples = await readSplit(ctx, data, 'train');
  if (examples.length === 0) throw new NodeError(`${ctx.nodeId}: the train split is empty`);
  const encoded = encodeExamples(tok, examples);
  // Length-bucketed batches cut padding; the order is a seeded shuffle per epoch.
  const batches = (epoch: number): ReturnType<typeof makeBatches> =>
    makeBatches(encoded, p.batch_size, { shuffleSeed: p.seed * 1009 + epoch, sortByLength: true, padTokenId: tokenizer.specialIds.pad });
  const started = Date.now();
  let last = 0;
  // The loop refuses a non-finite loss (a DivergedError): a diverged run must not be stored.
  const result = await train(model, batches, {
    epochs: p.epochs,
    lr: p.lr,
    weightDecay: p.weight_decay,
    warmup: p.warmup,
    clip: p.clip,
    dropout: p.dropout,
    seed: p.seed,
    signal: ctx.signal,
    onProgress: ({ step, total, loss, epoch }) => {
      // An exponential moving average reads better than the noisy per-batch loss.
      last = step === 1 ? loss : 0.95 * last + 0.05 * loss;
      ctx.progress({ done: step, total, message: `epoch ${epoch + 1} loss ${last.toFixed(4)}` });
    },
  });
  const seconds = (Date.now() - started) / 1000;
  ctx.log(`trained ${result.steps} steps on ${examples.length} examples in ${seconds.toFixed(1)} s; epoch losses ${result.epochLoss.map((l) => l.toFixed(4)).join(', ')}`);
  ctx.record({ trainSeconds: seconds, steps: result.steps, finalEpochLoss: result.epochLoss[result.epochLoss.length - 1] });
}

/** The majority-class check after training (the trained model is freed first: it is loaded again from the store). */
async function checkTrained(ctx: NodeContext, model: ModelManifest, data: DatasetManifest, what: string): Promise<void> {
  try {
    await checkAgainstMajority(ctx, model, data, what);
  } finally {
    releaseEvalCache();
  }
}

/** NaN or infinite weights make every downstream number meaningless: refuse them where they enter. */
async function assertFiniteWeights(nodeId: string, model: BertClassifier, what: string): Promise<void> {
  for (const name of model.paramNames()) {
    // Read asynchronously: WebGPU in Node has no synchronous read.
    const data = await readBack(model.param(name));
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) throw new NodeError(`${nodeId}: ${what}: tensor ${name} holds ${v} (at flat index ${i})`);
    }
  }
}

export default [
  implement(loadNode, async (ctx, p) => {
    const dir = pipelinePath(ctx, p.path);
    await useBackend(ctx);
    const loaded = await loadCheckpoint(dir, { seed: p.seed, ...(p.labels ? { labels: p.labels } : {}), ...(p.num_labels !== undefined ? { numLabels: p.num_labels } : {}) });
    try {
      if (loaded.newHead) ctx.log(`bare BertModel: new classifier head for ${loaded.config.numLabels} classes (seed ${p.seed})`);
      if (loaded.ignored.length) ctx.log(`ignored ${loaded.ignored.length} checkpoint keys: ${loaded.ignored.join(', ')}`);
      const tok = await tokenizerFromFiles(dir, { maxLength: Math.min(p.max_length, loaded.config.maxPositions) });
      if (tok.vocabSize > loaded.config.vocabSize) throw new NodeError(`${ctx.nodeId}: the tokenizer has ${tok.vocabSize} tokens but config.json's vocab_size is ${loaded.config.vocabSize}`);
      if (tok.vocabSize < loaded.config.vocabSize) {
        // Allowed, as in Hugging Face: some checkpoints pad the embedding matrix past the
        // vocabulary (to a multiple of 8 or 64); the extra rows are simply never looked up.
        const warning = `the tokenizer has ${tok.vocabSize} tokens, fewer than config.json's vocab_size ${loaded.config.vocabSize}: embedding rows ${tok.vocabSize}..${loaded.config.vocabSize - 1} are never used (fine for a padded embedding matrix; otherwise check that the tokenizer files belong to this model)`;
        ctx.log(`warning: ${warning}`);
        ctx.record({ warnings: [warning] });
      }
      await assertFiniteWeights(ctx.nodeId, loaded.model, `checkpoint ${p.path}`);
      const tokenizer = await storeTokenizer(ctx, tok, { kind: 'checkpoint', path: p.path });
      const model = await storeModel(ctx, loaded.model, { tokenizer });
      ctx.log(`loaded ${loaded.config.numLayers} layers, ${loaded.model.parameterCount()} parameters`);
      return { model, tokenizer };
    } finally {
      loaded.model.dispose();
    }
  }),

  implement(trainNode, async (ctx, p, inputs) => {
    const data = inputs.one('data', asDatasetManifest);
    const tokenizer = inputs.one('tokenizer', asTokenizerManifest);
    if (p.hidden % p.heads !== 0) throw new NodeError(`${ctx.nodeId}: hidden ${p.hidden} is not a multiple of heads ${p.heads}`);
    const maxLength = p.max_length ?? tokenizer.maxLength;
    if (maxLength < tokenizer.maxLength) throw new NodeError(`${ctx.nodeId}: max_length ${maxLength} is shorter than the tokenizer's ${tokenizer.maxLength}`);
    await useBackend(ctx);
    const config = makeConfig({
      vocabSize: tokenizer.vocabSize,
      numLabels: data.labels.length,
      labels: data.labels,
      hiddenSize: p.hidden,
      numLayers: p.layers,
      numHeads: p.heads,
      intermediateSize: p.intermediate,
      maxPositions: maxLength,
      padTokenId: tokenizer.specialIds.pad,
      hiddenDropout: p.dropout,
      attentionDropout: p.dropout,
    });
    const model = BertClassifier.create(config, { seed: p.seed });
    let stored;
    try {
      ctx.log(`model: ${config.numLayers} layers, hidden ${p.hidden}, ${p.heads} heads, ffn ${config.intermediateSize}, ${model.parameterCount()} parameters`);
      await fit(ctx, model, data, tokenizer, p);
      stored = await storeModel(ctx, model, { tokenizer });
    } finally {
      model.dispose();
    }
    await checkTrained(ctx, stored, data, 'the trained model');
    return { model: stored };
  }),

  implement(finetuneNode, async (ctx, p, inputs) => {
    const manifest = inputs.one('model', asModelManifest);
    const data = inputs.one('data', asDatasetManifest);
    const tokenizer = asTokenizerManifest(manifest.tokenizer, "the model's tokenizer");
    await useBackend(ctx);
    const loaded = await loadModel(ctx, manifest);
    let stored;
    try {
      await fit(ctx, loaded.model, data, tokenizer, p);
      stored = await storeModel(ctx, loaded.model, { tokenizer });
    } finally {
      loaded.dispose();
    }
    await checkTrained(ctx, stored, data, 'the fine-tuned model');
    return { model: stored };
  }),

  implement(distillNode, runDistill),

  implement(exportNode, async (ctx, p, inputs) => {
    let manifest = inputs.one('model', asModelManifest);
    if (p.layers) manifest = withLayers(manifest, p.layers);
    const tok = await tokenizerFiles(ctx, asTokenizerManifest(manifest.tokenizer, "the model's tokenizer"));
    const dir = join(ctx.tmpDir, 'export');
    const names = await exportManifest(ctx, manifest, dir, tok, p.format);
    const files: Record<string, BlobRef> = {};
    for (const name of names) files[name] = await ctx.putFile(join(dir, name));
    ctx.log(`exported ${manifest.layers.length} layers (original [${manifest.layers.join(', ')}]) as ${names.join(', ')}`);
    const out: FilesManifest = { files };
    return { files: out };
  }),
];
