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
  encodeSplitJsonl,
  isSplitName,
  readSplit,
  storeDataset,
  type DatasetManifest,
} from './manifest.js';
export { encodeExamples, makeBatches, padBatch, type BatchOptions, type IndexedBatch, type TokenEncoder } from './batches.js';
export { hashString, mulberry32, permutation, rngFor, shuffleInPlace } from './rng.js';
