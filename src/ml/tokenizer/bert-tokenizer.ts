/**
 * BERT tokenization through `@huggingface/tokenizers` (normalizer, pre-tokenizer and WordPiece
 * all come from the library; we add truncation, which its encode does not do, and [CLS]/[SEP]).
 */
import { TokenizerError } from './errors.js';
import { Tokenizer } from '@huggingface/tokenizers';

/** Characters of a text tokenized first per piece wanted (see encodeOne). */
const PREFIX_CHARS_PER_PIECE = 8;

export interface SpecialIds {
  pad: number;
  unk: number;
  cls: number;
  sep: number;
  mask?: number;
}

export interface BertTokenizerOptions {
  /** Longest sequence including [CLS] and [SEP]; longer texts are cut before [SEP]. */
  maxLength: number;
  /** For messages. */
  what?: string;
}

/**
 * The parts of a tokenizer.json Hugging Face's loader treats as optional, filled in as it
 * does: an absent normalizer, pre-tokenizer, post-processor or decoder is none (null), absent
 * added_tokens is none ([]). The JS library requires every key, and failed on a file the
 * Python and Rust loaders read.
 */
function withAbsentParts(json: Record<string, unknown>, what: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...json };
  for (const part of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder']) {
    if (out[part] === undefined) out[part] = null;
    else if (out[part] !== null && (typeof out[part] !== 'object' || Array.isArray(out[part]))) {
      throw new TokenizerError(`${what}: invalid tokenizer.json: ${part} must be an object or null, got ${JSON.stringify(out[part])}`);
    }
  }
  if (out.added_tokens === undefined) out.added_tokens = [];
  else if (!Array.isArray(out.added_tokens)) throw new TokenizerError(`${what}: invalid tokenizer.json: added_tokens must be a list, got ${JSON.stringify(out.added_tokens)}`);
  return out;
}

/** model.vocab maps each token to a non-negative integer id (HF reads them as u32). */
function checkVocab(vocab: unknown, what: string): void {
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) throw new TokenizerError(`${what}: invalid tokenizer.json: model.vocab must map tokens to ids`);
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) throw new TokenizerError(`${what}: invalid tokenizer.json: model.vocab gives ${JSON.stringify(token)} the id ${JSON.stringify(id)} (ids are integers >= 0)`);
  }
}

export class BertTokenizer {
  readonly maxLength: number;
  readonly vocabSize: number;
  readonly specialIds: SpecialIds;
  readonly lowercase: boolean;
  readonly json: Record<string, unknown>;
  private readonly tok: Tokenizer;

  constructor(json: Record<string, unknown>, opts: BertTokenizerOptions) {
    const what = opts.what ?? 'tokenizer';
    if (!Number.isInteger(opts.maxLength) || opts.maxLength < 3) throw new TokenizerError(`${what}: max length must be an integer >= 3, got ${opts.maxLength}`);
    const model = json.model as { type?: string; vocab?: Record<string, number> } | undefined;
    if (!model || model.type !== 'WordPiece' || !model.vocab) {
      throw new TokenizerError(`${what}: tokenizer.json model is ${model?.type ?? 'missing'}; only BERT WordPiece tokenizers are supported`);
    }
    checkVocab(model.vocab, what);
    this.json = json;
    try {
      this.tok = new Tokenizer(withAbsentParts(json, what), {});
    } catch (e) {
      // The library's message names the part ("Unknown Decoder type: X") but not the file.
      throw new TokenizerError(`${what}: invalid tokenizer.json: ${(e as Error).message}`, { cause: e });
    }
    const id = (t: string): number | undefined => this.tok.token_to_id(t);
    const need = (t: string): number => {
      const v = id(t);
      if (v === undefined) throw new TokenizerError(`${what}: vocabulary has no ${t} token`);
      return v;
    };
    const mask = id('[MASK]');
    this.specialIds = { pad: id('[PAD]') ?? 0, unk: need('[UNK]'), cls: need('[CLS]'), sep: need('[SEP]'), ...(mask === undefined ? {} : { mask }) };
    // A loop, not Math.max(...ids): a spread of a 250k-token vocabulary overflows the stack.
    let top = -1;
    for (const v of Object.values(model.vocab)) if (v > top) top = v;
    this.vocabSize = top + 1;
    this.maxLength = opts.maxLength;
    const norm = json.normalizer as { type?: string; lowercase?: boolean } | null | undefined;
    this.lowercase = norm?.type === 'BertNormalizer' ? norm.lowercase !== false : false;
  }

  private pieces(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  /** Token ids of one text: [CLS] pieces... [SEP], at most maxLength. */
  encodeOne(text: string): Int32Array {
    // Long texts (reviews) are tokenized from a prefix cut at whitespace when that already gives
    // enough pieces: BERT's normalizer and pre-tokenizer act per character and per word, so the
    // pieces of a prefix ending at whitespace are exactly the first pieces of the whole text.
    let pieces: number[] | undefined;
    const want = this.maxLength - 2;
    const budget = this.maxLength * PREFIX_CHARS_PER_PIECE;
    if (text.length > budget) {
      const cut = text.slice(budget).search(/[ \t\n\r]/);
      if (cut >= 0) {
        const head = this.pieces(text.slice(0, budget + cut));
        if (head.length >= want) pieces = head;
      }
    }
    pieces ??= this.pieces(text);
    const n = Math.min(pieces.length, this.maxLength - 2);
    const out = new Int32Array(n + 2);
    out[0] = this.specialIds.cls;
    for (let i = 0; i < n; i++) out[i + 1] = pieces[i] as number;
    out[n + 1] = this.specialIds.sep;
    return out;
  }

  encode(texts: readonly string[]): Int32Array[] {
    return texts.map((t) => this.encodeOne(t));
  }

  /** Token strings of one text as encodeOne would produce them (for inspection and tests). */
  tokens(text: string): string[] {
    return Array.from(this.encodeOne(text), (i) => this.tok.id_to_token(i) ?? '[UNK]');
  }

  decode(ids: ArrayLike<number>): string {
    return this.tok.decode(Array.from(ids), { skip_special_tokens: true });
  }

  /** Tokens by id (vocab.txt order). */
  vocab(): string[] {
    const out: string[] = new Array<string>(this.vocabSize).fill('');
    for (const [t, i] of this.tok.get_vocab(true)) out[i] = t;
    return out;
  }
}
