/**
 * The `tokenizer` artifact: the tokenizer.json the library runs, the same vocabulary as
 * vocab.txt (for Hugging Face export), and the settings encoding depends on.
 */
import { TokenizerError } from './errors.js';
import type { BlobRef } from '../../artifacts/types.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { LruMap } from '../../artifacts/lru-map.js';
import { BertTokenizer, type SpecialIds } from './bert-tokenizer.js';

export const TOKENIZER_FORMAT = 'layerfuse/tokenizer@1';

export interface TokenizerManifest {
  format: typeof TOKENIZER_FORMAT;
  /** Hugging Face tokenizer.json (BERT WordPiece). */
  tokenizerJson: BlobRef;
  /** vocab.txt, one token a line in id order. */
  vocab: BlobRef;
  vocabSize: number;
  lowercase: boolean;
  /** Longest encoded sequence, [CLS] and [SEP] included. */
  maxLength: number;
  specialIds: SpecialIds;
  /** Facts about how the vocabulary was made (e.g. learned from which split), informational. */
  origin?: Record<string, unknown>;
}

export async function storeTokenizer(store: Pick<NodeContext, 'putBytes'>, tok: BertTokenizer, origin?: Record<string, unknown>): Promise<TokenizerManifest> {
  const enc = new TextEncoder();
  const tokenizerJson = await store.putBytes(enc.encode(JSON.stringify(tok.json)));
  const vocab = await store.putBytes(enc.encode(tok.vocab().join('\n') + '\n'));
  return {
    format: TOKENIZER_FORMAT,
    tokenizerJson,
    vocab,
    vocabSize: tok.vocabSize,
    lowercase: tok.lowercase,
    maxLength: tok.maxLength,
    specialIds: tok.specialIds,
    ...(origin ? { origin } : {}),
  };
}

export function asTokenizerManifest(value: unknown, what = 'tokenizer'): TokenizerManifest {
  const m = value as Partial<TokenizerManifest> | null;
  if (!m || m.format !== TOKENIZER_FORMAT || !m.tokenizerJson) throw new TokenizerError(`${what}: not a ${TOKENIZER_FORMAT} manifest`);
  return m as TokenizerManifest;
}

// Loaded tokenizers by identity: building one from a 30k vocabulary takes tens of ms, and
// evaluation loops load the same one many times. Least recently used first, at most
// LOADED_TOKENIZERS (a reused worker serves many nodes).
const LOADED_TOKENIZERS = 4;
const loaded = new LruMap<string, BertTokenizer>(LOADED_TOKENIZERS);

export async function loadTokenizer(store: Pick<NodeContext, 'getBytes'>, manifest: TokenizerManifest, opts: { maxLength?: number } = {}): Promise<BertTokenizer> {
  const maxLength = opts.maxLength ?? manifest.maxLength;
  const key = `${manifest.tokenizerJson.$blob}/${maxLength}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const json = JSON.parse(new TextDecoder().decode(await store.getBytes(manifest.tokenizerJson))) as Record<string, unknown>;
  const tok = new BertTokenizer(json, { maxLength });
  loaded.set(key, tok);
  return tok;
}

/**
 * The tokenizer files of a Hugging Face BERT directory (vocab.txt, tokenizer.json,
 * tokenizer_config.json, special_tokens_map.json), for model export.
 */
export async function tokenizerFiles(store: Pick<NodeContext, 'getBytes'>, manifest: TokenizerManifest): Promise<Record<string, Uint8Array>> {
  const enc = new TextEncoder();
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: manifest.lowercase,
    strip_accents: null,
    tokenize_chinese_chars: true,
    model_max_length: manifest.maxLength,
    unk_token: '[UNK]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
  const specials = { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' };
  return {
    'vocab.txt': await store.getBytes(manifest.vocab),
    'tokenizer.json': await store.getBytes(manifest.tokenizerJson),
    'tokenizer_config.json': enc.encode(JSON.stringify(config, null, 2) + '\n'),
    'special_tokens_map.json': enc.encode(JSON.stringify(specials, null, 2) + '\n'),
  };
}
