/**
 * `tokenizer/wordpiece`: learn a BERT WordPiece vocabulary from a dataset's TRAIN split only
 * (validation and test never shape the vocabulary), for models trained from scratch.
 * `tokenizer/files`: a tokenizer from a Hugging Face tokenizer.json or vocab.txt on disk.
 */
import { isAbsolute, resolve } from 'node:path';
import type { TokenizerManifest } from '../ml/tokenizer/index.js';
import { NodeError, type Artifact, type NodeType } from './types.js';

export interface WordPieceParams {
  vocab_size?: number;
  min_frequency?: number;
  lowercase?: boolean;
  max_length?: number;
  score?: 'likelihood' | 'pmi' | 'frequency';
}

const maxLengthParam = {
  type: 'integer',
  minimum: 3,
  maximum: 4096,
  default: 128,
  description: 'Longest encoded sequence, [CLS] and [SEP] included; longer texts are cut before [SEP].',
};

function asDataset(input: Artifact | Artifact[] | undefined, nodeId: string): Artifact {
  if (input === undefined || Array.isArray(input) || input.type !== 'dataset') throw new NodeError(`${nodeId}: input data must be one dataset`);
  return input;
}

export const wordpieceNode: NodeType<WordPieceParams> = {
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

  async run(ctx, p, inputs) {
    const data = asDataset(inputs.data, ctx.nodeId);
    const { asDatasetManifest, readSplit } = await import('../ml/data/index.js');
    const tk = await import('../ml/tokenizer/index.js');
    const manifest = asDatasetManifest(data.manifest, `${ctx.nodeId}: input data`);
    const train = await readSplit(ctx, manifest, 'train');
    const lowercase = p.lowercase ?? true;
    const vocabSize = p.vocab_size ?? 8000;
    const learned = tk.learnWordPiece(
      train.map((e) => e.text),
      {
        vocabSize,
        minFrequency: p.min_frequency ?? 2,
        lowercase,
        score: p.score ?? 'likelihood',
        onProgress: (n, total) => ctx.progress({ done: n, total, message: 'learning vocabulary' }),
      },
    );
    ctx.log(`learned ${learned.vocab.length} tokens (${learned.alphabetSize} characters, ${learned.merges} merges) from ${train.length} train texts, ${learned.words} distinct words`);
    const tok = new tk.BertTokenizer(tk.bertTokenizerJson(learned.vocab, { lowercase }), { maxLength: p.max_length ?? 128, what: ctx.nodeId });
    const out: TokenizerManifest = await tk.storeTokenizer(ctx, tok, {
      kind: 'wordpiece',
      split: 'train',
      trainDigest: manifest.splits.train.$blob,
      score: p.score ?? 'likelihood',
    });
    return { tokenizer: out };
  },
};

export interface TokenizerFilesParams {
  path: string;
  max_length?: number;
  lowercase?: boolean;
}

export const tokenizerFilesNode: NodeType<TokenizerFilesParams> = {
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

  async run(ctx, p) {
    if (isAbsolute(p.path)) throw new NodeError(`${ctx.nodeId}: path '${p.path}' must be relative to the pipeline directory`);
    const tk = await import('../ml/tokenizer/index.js');
    const abs = resolve(ctx.pipelineDir, p.path);
    const source = p.path.endsWith('.json') ? { tokenizerJson: abs } : p.path.endsWith('.txt') ? { vocabTxt: abs } : abs;
    let tok;
    try {
      tok = await tk.tokenizerFromFiles(source, { maxLength: p.max_length ?? 128, ...(p.lowercase !== undefined ? { lowercase: p.lowercase } : {}) });
    } catch (err) {
      throw new NodeError(`${ctx.nodeId}: ${(err as Error).message}`);
    }
    return { tokenizer: await tk.storeTokenizer(ctx, tok, { kind: 'files', path: p.path }) };
  },
};

export const tokenizerNodes: ReadonlyArray<NodeType<never>> = [wordpieceNode, tokenizerFilesNode] as unknown as ReadonlyArray<NodeType<never>>;
