/** Tokenizers: BERT WordPiece through @huggingface/tokenizers, and our vocabulary learner. */
export { BertTokenizer, type BertTokenizerOptions, type SpecialIds } from './bert-tokenizer.js';
export { SPECIAL_TOKENS, bertTokenizerJson, parseVocabTxt, vocabToMap, type BertJsonOptions } from './bert-json.js';
export { tokenizerFromFiles, type TokenizerFiles, type TokenizerFromFilesOptions } from './from-files.js';
export { countWords, learnWordPiece, type LearnedVocab, type WordPieceOptions, type WordPieceScore } from './wordpiece-learner.js';
export {
  TOKENIZER_FORMAT,
  asTokenizerManifest,
  loadTokenizer,
  storeTokenizer,
  tokenizerFiles,
  type TokenizerManifest,
} from './manifest.js';
