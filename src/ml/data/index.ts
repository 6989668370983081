/** Datasets: reading user files, stratified splits, the dataset manifest, batching. */
export { DataError } from './errors.js';
export { parseCsv, parseJsonl, type RawRow } from './read-rows.js';
export { examplesFromRows, type ColumnMapping, type LabelledData, type SourcedExample } from './examples.js';
export { loadLabelledFile, type DataFormat, type LoadedFile } from './load-file.js';
export { allocate } from './allocate.js';
export { stratifiedSplit, SPLITS, type SplitName, type SplitOptions, type SplitResult } from './split.js';
export { buildSplits, type BuiltSplits } from './build.js';
export {
  DATASET_FORMAT,
  asDatasetManifest,
  decodeSplitJsonl,
  defaultDatasetName,
  encodeSplitJsonl,
  isSplitName,
  readSplit,
  storeDataset,
  type DatasetManifest,
} from './manifest.js';
export { encodeExamples, makeBatches, padBatch, type BatchOptions, type IndexedBatch, type TokenEncoder } from './batches.js';
export { hashString, mulberry32, permutation, rngFor, shuffleInPlace } from './rng.js';
export { readCorpus, corpusVersion, SPAM_ASSASSIN_PACKAGE, type Corpus, type RawMessage } from './spam-assassin-corpus.js';
export {
  DEFAULT_MIN_PER_CLASS,
  SPAM_ASSASSIN_TASKS,
  labelMessages,
  loadSpamAssassin,
  scrubMessages,
  type LoadedSpamAssassin,
  type ScrubbedMessage,
  type SpamAssassinData,
  type SpamAssassinOptions,
  type SpamAssassinStats,
  type SpamAssassinTask,
} from './spam-assassin.js';
export { DEFAULT_MAX_CHARS, scrubBody } from './spam-assassin-scrub.js';
export { datasetName } from './name.js';
