/** Hugging Face BERT checkpoints: load (config, safetensors, tokenizer files) and export. */
export { CheckpointError, TOKENIZER_FILE_NAMES, checkpointFiles, loadCheckpoint, type CheckpointFiles, type LoadCheckpointOptions, type LoadedCheckpoint } from './load.js';
export { exportCheckpoint, exportManifest, type ExportFormat, type ExportOptions } from './export.js';
export { canonicalName, normalizeTensors } from './names.js';
