/**
 * A Hugging Face tokenizer.json for a BERT WordPiece vocabulary, for checkpoints that ship only
 * vocab.txt and for vocabularies we learn. Same components as `BertTokenizerFast` writes:
 * BertNormalizer (clean text, CJK spacing, lowercase and accent stripping when lowercasing),
 * BertPreTokenizer, WordPiece with `##` and [UNK], a [CLS] $A [SEP] template, WordPiece decoder.
 */
import { TokenizerError } from './errors.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface BertJsonOptions {
  lowercase: boolean;
  /** Absent (null): strip accents exactly when lowercasing, as BERT does. */
  stripAccents?: boolean | null;
}

/** Parse vocab.txt: one token a line, id = line index; a later duplicate wins (as in HF). */
export function parseVocabTxt(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function vocabToMap(vocab: readonly string[]): Record<string, number> {
  const map: Record<string, number> = Object.create(null) as Record<string, number>;
  vocab.forEach((tok, i) => (map[tok] = i));
  return map;
}

export function bertTokenizerJson(vocab: readonly string[], opts: BertJsonOptions, what = 'vocabulary'): Record<string, unknown> {
  const map = vocabToMap(vocab);
  for (const t of ['[UNK]', '[CLS]', '[SEP]']) {
    if (map[t] === undefined) throw new TokenizerError(`${what}: has no ${t} token`);
  }
  const cls = map['[CLS]'] as number;
  const sep = map['[SEP]'] as number;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.filter((t) => map[t] !== undefined).map((t) => ({
      id: map[t],
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: opts.stripAccents ?? null,
      lowercase: opts.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: map,
    },
  };
}
