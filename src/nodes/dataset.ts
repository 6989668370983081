/**
 * `dataset/jsonl` and `dataset/csv`: a user's labelled text file -> one `dataset` artifact with
 * seeded, stratified train / validation / test splits and a calibration sample of train
 * (algorithm: src/ml/data/split.ts). The file's content is part of the key (`inputFiles`).
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import type { JsonSchema } from '../artifacts/types.js';
import type { SplitOptions } from '../ml/data/split.js';
import { family } from './family.js';

/** The split params are the splitter's options (train, validation, test, calibration, limit, seed). */
export interface DatasetParams extends SplitOptions {
  path: string;
  text_column: string;
  label_column: string;
  label_name_column?: string;
  label_names?: string[];
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

const outputs = { dataset: { type: 'dataset' as const, description: 'Labels and the train, validation, test and calibration splits.' } };

export const datasetJsonlNode: NodeDecl<DatasetParams> = {
  type: 'dataset/jsonl',
  version: 1,
  description: 'Labelled text from a JSON Lines file (one object a line), split into seeded, stratified train / validation / test sets and a calibration sample of train.',
  params: commonParams,
  required: ['path'],
  inputs: {},
  outputs,
  inputFiles: (p) => [p.path],
};

export const datasetCsvNode: NodeDecl<DatasetParams> = {
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
};

export const datasetNodes = family([datasetJsonlNode, datasetCsvNode], () => import('./run/dataset.js'));
