/**
 * `dataset/jsonl` and `dataset/csv`: a user's labelled text file -> one `dataset` artifact with
 * seeded, stratified train / validation / test splits and a calibration sample of train
 * (algorithm: src/ml/data/split.ts). The file's content is part of the key (`inputFiles`).
 */
import { isAbsolute, resolve } from 'node:path';
import type { DataFormat, DatasetManifest } from '../ml/data/index.js';
import { NodeError, type JsonSchema, type NodeContext, type NodeType } from './types.js';

export interface DatasetParams {
  path: string;
  text_column?: string;
  label_column?: string;
  label_name_column?: string;
  label_names?: string[];
  train?: number;
  validation?: number;
  test?: number;
  calibration?: number;
  limit?: number;
  seed?: number;
  /** CSV only. */
  delimiter?: string;
}

const size = (what: string, dflt: number): JsonSchema => ({
  type: 'number',
  minimum: 0,
  default: dflt,
  description: `Size of the ${what} split: a fraction of the rows (train, validation and test fractions sum to at most 1; when they sum to 1 train takes the remainder after rounding) or a whole count of examples.`,
});

const commonParams: Record<string, JsonSchema> = {
  path: { type: 'string', description: 'The data file, relative to the pipeline directory.' },
  text_column: { type: 'string', default: 'text', description: 'Column holding the text.' },
  label_column: {
    type: 'string',
    default: 'label',
    description: 'Column holding the label: a class id (an integer) or a class name.',
  },
  label_name_column: {
    type: 'string',
    description:
      'Column naming the class of each row (for integer labels). Absent: `label_name` when the data has that column, else none (classes are named by their id).',
  },
  label_names: {
    type: 'array',
    items: { type: 'string' },
    minItems: 2,
    description: 'Class names in id order. Absent: from the label-name column, or the distinct label names sorted.',
  },
  train: size('train', 0.8),
  validation: size('validation', 0.1),
  test: size('test', 0.1),
  calibration: {
    type: 'integer',
    minimum: 0,
    default: 512,
    description: 'Size of the calibration sample: a stratified sample of the train split (clipped to its size).',
  },
  limit: {
    type: 'integer',
    minimum: 1,
    description: 'Keep at most this many rows (a stratified sample) before splitting, for quick runs. Absent: all rows.',
  },
  seed: { type: 'integer', default: 42, description: 'Seed of the split (same seed, same file: same splits).' },
};

function mapError(err: unknown, nodeId: string): never {
  if (err instanceof Error && err.name === 'DataError') throw new NodeError(`${nodeId}: ${err.message}`);
  throw err;
}

async function runDataset(ctx: NodeContext, p: DatasetParams, format: DataFormat): Promise<{ dataset: DatasetManifest }> {
  const data = await import('../ml/data/index.js');
  if (isAbsolute(p.path)) throw new NodeError(`${ctx.nodeId}: path '${p.path}' must be relative to the pipeline directory`);
  const abs = resolve(ctx.pipelineDir, p.path);
  try {
    const labelled = await data.loadLabelledFile(
      abs,
      p.path,
      format,
      {
        text: p.text_column ?? 'text',
        label: p.label_column ?? 'label',
        ...(p.label_names ? { labelNames: p.label_names } : {}),
        ...(p.label_name_column !== undefined ? { labelNameColumn: p.label_name_column } : { defaultLabelNameColumn: 'label_name' }),
      },
      p.delimiter !== undefined ? { delimiter: p.delimiter } : {},
    );
    const opts = {
      train: p.train ?? 0.8,
      validation: p.validation ?? 0.1,
      test: p.test ?? 0.1,
      calibration: p.calibration ?? 512,
      seed: p.seed ?? 42,
      ...(p.limit !== undefined ? { limit: p.limit } : {}),
    };
    const built = data.buildSplits(labelled, opts, p.path);
    ctx.log(
      `${p.path}: ${labelled.examples.length} rows, ${built.labels.length} classes; ` +
        data.SPLITS.map((s) => `${s} ${built.splits[s].length}`).join(', '),
    );
    const manifest = await data.storeDataset(ctx, built.labels, built.splits, built.counts, { path: p.path, digest: labelled.digest }, opts.seed);
    return { dataset: manifest };
  } catch (err) {
    mapError(err, ctx.nodeId);
  }
}

const outputs = { dataset: { type: 'dataset' as const, description: 'Labels and the train, validation, test and calibration splits.' } };

export const datasetJsonlNode: NodeType<DatasetParams> = {
  type: 'dataset/jsonl',
  version: 1,
  description: 'Labelled text from a JSON Lines file (one object a line), split into seeded, stratified train / validation / test sets and a calibration sample of train.',
  params: commonParams,
  required: ['path'],
  inputs: {},
  outputs,
  inputFiles: (p) => [p.path],
  run: (ctx, p) => runDataset(ctx, p, 'jsonl'),
};

export const datasetCsvNode: NodeType<DatasetParams> = {
  type: 'dataset/csv',
  version: 1,
  description: 'Labelled text from a CSV file with a header row, split into seeded, stratified train / validation / test sets and a calibration sample of train.',
  params: {
    ...commonParams,
    delimiter: { type: 'string', minLength: 1, default: ',', description: 'Field delimiter.' },
  },
  required: ['path'],
  inputs: {},
  outputs,
  inputFiles: (p) => [p.path],
  run: (ctx, p) => runDataset(ctx, p, 'csv'),
};

export const datasetNodes: ReadonlyArray<NodeType<never>> = [datasetJsonlNode, datasetCsvNode] as unknown as ReadonlyArray<NodeType<never>>;
