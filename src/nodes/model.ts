/**
 * The model node family: `model/load` (a Hugging Face checkpoint directory), `model/train`
 * (a BERT classifier from scratch), `model/finetune` (continue training a model), `model/export`
 * (a Hugging Face directory, published to results/) and `model/distill` (a pruned student
 * trained on its unpruned teacher's soft targets). Tensor work runs in workers. A trained,
 * fine-tuned or distilled model no better than always predicting the majority class on
 * validation gets a run warning naming the node.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import type { EngineKind } from '../ml/engine/kinds.js';
import { ENGINE_PARAM } from './engine-param.js';
import { family } from './family.js';
import { checkLayerParam, factsOf } from './static-facts.js';

/** Training hyperparameters shared by model/train and model/finetune (defaults in `trainingSchema`). */
export interface TrainingParams {
  epochs: number;
  batch_size: number;
  lr: number;
  weight_decay: number;
  warmup: number;
  dropout: number;
  clip: number;
  seed: number;
}

export interface LoadParams {
  path: string;
  num_labels?: number;
  labels?: string[];
  seed: number;
  max_length: number;
}

export interface TrainParams extends TrainingParams {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  max_length?: number;
}

export interface ExportParams {
  layers?: number[];
  format: 'hf' | 'onnx' | 'both';
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

export const loadNode: NodeDecl<LoadParams> = {
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
};

export const trainNode: NodeDecl<TrainParams> = {
  type: 'model/train',
  version: 1,
  description: 'Train a BERT classifier from scratch on the dataset\'s train split (HF init, AdamW, linear warmup and decay, dropout, clipping; seeded).',
  params: {
    layers: { type: 'integer', minimum: 1, maximum: 48, default: 4, description: 'Encoder layers.' },
    hidden: { type: 'integer', minimum: 8, default: 128, description: 'Hidden size (a multiple of heads).' },
    heads: { type: 'integer', minimum: 1, default: 4, description: 'Attention heads.' },
    intermediate: { type: 'integer', minimum: 8, default: 512, description: 'FFN inner size.' },
    max_length: { type: 'integer', minimum: 3, maximum: 4096, description: "Position embeddings (longest sequence). Absent: the tokenizer's max length." },
    ...trainingSchema({ epochs: 3, lr: 1e-3, batch_size: 32 }),
  },
  inputs: {
    data: { type: 'dataset', description: 'Labelled data; the train split is read.' },
    tokenizer: { type: 'tokenizer', description: 'Tokenizer (e.g. tokenizer/wordpiece on the same data).' },
  },
  outputs: { model: { type: 'model', description: 'The trained classifier.' } },
  worker: true,
  threadedWasm: () => true,
  facts: (p) => ({ model: { layers: p.layers } }),
};

export const finetuneNode: NodeDecl<TrainingParams> = {
  type: 'model/finetune',
  version: 1,
  description: "Continue training a model (all its kept layers, embeddings, pooler, classifier) on the dataset's train split; its tokenizer travels with it.",
  params: trainingSchema({ epochs: 3, lr: 2e-5, batch_size: 32 }),
  inputs: {
    model: { type: 'model', description: 'The model to fine-tune (e.g. model/load).' },
    data: { type: 'dataset', description: 'Labelled data; the train split is read.' },
  },
  outputs: { model: { type: 'model', description: 'The fine-tuned classifier.' } },
  worker: true,
  threadedWasm: () => true,
  facts: (_p, inputs) => ({ model: factsOf(inputs, 'model') }),
};

export const exportNode: NodeDecl<ExportParams> = {
  type: 'model/export',
  version: 1,
  description:
    'Write a model (pruned or not) as a Hugging Face directory: config.json, model.safetensors and/or onnx/model.onnx (kept layers renumbered 0..k-1), tokenizer files; published to results/.',
  params: {
    layers: {
      type: 'array',
      items: { type: 'integer', minimum: 0 },
      uniqueItems: true,
      description: "Kept layers (0-based original indices), a subset of the model's. Absent: the model's own kept layers.",
    },
    format: {
      enum: ['hf', 'onnx', 'both'],
      default: 'hf',
      description:
        'hf: model.safetensors (transformers, PyTorch). onnx: onnx/model.onnx (ONNX Runtime, transformers.js, Optimum; opset 17, dynamic batch and sequence axes). both: the two. config.json and the tokenizer files are written in every case.',
    },
  },
  inputs: { model: { type: 'model', description: 'The model to export.' } },
  outputs: { files: { type: 'files', description: 'The Hugging Face directory.', publish: true } },
  worker: true,
  check: (ctx) => checkLayerParam(ctx),
};

export interface DistillParams extends TrainingParams {
  temperature: number;
  alpha: number;
  control: boolean;
  eval_batch: number;
  engine: EngineKind;
}

export const distillNode: NodeDecl<DistillParams> = {
  type: 'model/distill',
  version: 1,
  description:
    "Knowledge distillation of a student (a pruned model, starting from its kept weights) from a frozen teacher (the unpruned model) on the train split: alpha*T^2*KL(teacher || student at T) + (1-alpha)*CE; with control: true, the same student also trained the same steps on hard labels alone. Teacher, student, distilled and control evaluated on validation and test.",
  params: {
    temperature: { type: 'number', exclusiveMinimum: 0, default: 2, description: 'Softmax temperature T of both models in the soft term (docs/method.md: 2).' },
    alpha: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Weight of the soft (KL) term; 1 - alpha weighs hard-label cross-entropy (docs/method.md: 0.5).' },
    control: {
      type: 'boolean',
      default: false,
      description: 'Also train the same student for the same steps (same batches, dropout and seed) on hard labels alone, so the teacher\'s effect can be told from the effect of more training.',
    },
    eval_batch: { type: 'integer', minimum: 1, default: 32, description: "Examples per forward for the teacher's logits and the evaluations (does not change results)." },
    engine: { ...ENGINE_PARAM, description: `Inference engine of the teacher's logits and the evaluations. ${String(ENGINE_PARAM.description)}` },
    // lr: the fine-tuning default. The student is a pruned copy of a trained model, so
    // distillation continues training it (as model/finetune does) rather than starting over;
    // docs/method.md gives none. A small model trained from scratch at 1e-3 wants more (the
    // AG News pipeline uses 3e-4).
    ...trainingSchema({ epochs: 3, lr: 2e-5, batch_size: 32 }),
  },
  inputs: {
    teacher: { type: 'model', description: 'The unpruned model (frozen, eval mode; its logits over the train split are computed once).' },
    student: { type: 'model', description: 'The model to distil, e.g. a prune/* node\'s model (starts from its kept weights).' },
    data: { type: 'dataset', description: 'Labelled data: train split for distillation, validation and test for the evaluations.' },
    curve: { type: 'curve', optional: true, description: "The student's pruning curve, to name its strategy in the result." },
  },
  outputs: {
    model: { type: 'model', description: 'The distilled student.' },
    distillation: { type: 'distillation', description: 'DistillationManifest: teacher, student before, distilled and control on validation and test, with the params.' },
  },
  worker: true,
  // With its control the run already trains both students at once, one per core, each on the
  // single-threaded build (run/distill.ts), which beats one threaded training after the other.
  threadedWasm: (p) => !p.control,
  // The distilled model keeps the student's layers (a pruned model's kept set is known only
  // after its curve runs, so prune/* outputs carry no layer facts and nothing is checked there).
  facts: (_p, inputs) => ({ model: factsOf(inputs, 'student') }),
};

export const modelNodes = family([loadNode, trainNode, finetuneNode, exportNode, distillNode], () => import('./run/model.js'));
