/**
 * `tokenizer/wordpiece`: learn a BERT WordPiece vocabulary from a dataset's TRAIN split only
 * (validation and test never shape the vocabulary), for models trained from scratch.
 * `tokenizer/files`: a tokenizer from a Hugging Face tokenizer.json or vocab.txt on disk.
 */
import type { NodeDecl } from '../artifacts/node-type.js';
import { family } from './family.js';

export interface WordPieceParams {
  vocab_size: number;
  min_frequency: number;
  lowercase: boolean;
  max_length: number;
  score: 'likelihood' | 'pmi' | 'frequency';
}

export interface TokenizerFilesParams {
  path: string;
  max_length: number;
  lowercase?: boolean;
}

const maxLengthParam = {
  type: 'integer',
  minimum: 3,
  maximum: 4096,
  default: 128,
  description: 'Longest encoded sequence, [CLS] and [SEP] included; longer texts are cut before [SEP].',
};

export const wordpieceNode: NodeDecl<WordPieceParams> = {
  type: 'tokenizer/wordpiece',
  version: 1,
  description:
    "Learn a WordPiece vocabulary (BERT normalizer and pre-tokenizer, `##` continuations, [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4) from the dataset's train split only.",
  params: {
    vocab_size: { type: 'integer', minimum: 6, default: 8000, description: 'Vocabulary size, special tokens included (fewer when the corpus runs out of pairs).' },
    min_frequency: { type: 'integer', minimum: 1, default: 2, description: 'A pair must occur at least this often in the train split to be merged.' },
    lowercase: { type: 'boolean', default: true, description: 'Lowercase and strip accents (uncased BERT).' },
    max_length: maxLengthParam,
    score: {
      enum: ['likelihood', 'pmi', 'frequency'],
      default: 'likelihood',
      description:
        'Merge criterion: `likelihood` = gain in unigram log-likelihood of the corpus (original WordPiece), `pmi` = freq(ab)/(freq(a)freq(b)), `frequency` = freq(ab) (BPE).',
    },
  },
  inputs: { data: { type: 'dataset', description: 'The dataset; only its train split is read.' } },
  outputs: { tokenizer: { type: 'tokenizer', description: 'The learned tokenizer (tokenizer.json and vocab.txt).' } },
  worker: true,
};

export const tokenizerFilesNode: NodeDecl<TokenizerFilesParams> = {
  type: 'tokenizer/files',
  version: 1,
  description: 'A BERT tokenizer from a Hugging Face tokenizer.json, a vocab.txt, or a directory holding them (tokenizer_config.json read when present).',
  params: {
    path: { type: 'string', description: 'tokenizer.json, vocab.txt, or a checkpoint directory, relative to the pipeline directory.' },
    max_length: maxLengthParam,
    lowercase: { type: 'boolean', description: "vocab.txt only: lowercase and strip accents. Absent: tokenizer_config.json's do_lower_case, else true." },
  },
  required: ['path'],
  inputs: {},
  outputs: { tokenizer: { type: 'tokenizer', description: 'The tokenizer.' } },
  // A directory: every file directly in it. A tokenizer directory may hold only vocab.txt or only
  // tokenizer.json, and a `*.json` or `*.txt` pattern that matches nothing fails the key; the
  // price is that weights beside them are hashed too (the output digest, not the key, is what
  // dependents see, so a weight change reruns this cheap node only).
  inputFiles: (p) => (/\.(json|txt)$/.test(p.path) ? [p.path] : [`${p.path}/*`]),
};

export const tokenizerNodes = family([wordpieceNode, tokenizerFilesNode], () => import('./run/tokenizer.js'));
