/**
 * Learning a WordPiece vocabulary (ours: `@huggingface/tokenizers` in JS encodes but cannot
 * train). The standard WordPiece recipe, as Hugging Face describes it:
 * 1. Words come from the same BertNormalizer + BertPreTokenizer that encoding uses, so training
 *    and encoding split text identically. Words longer than 100 characters are skipped (the
 *    encoder maps them to [UNK]).
 * 2. Each word starts as its characters: the first as is, the others with the `##` prefix. The
 *    initial vocabulary is the special tokens, then this alphabet sorted by code unit (when the
 *    alphabet alone exceeds the budget, its most frequent symbols are kept and words using the
 *    others are left out).
 * 3. Repeatedly merge the adjacent pair (a, b) with the highest score among pairs seen at least
 *    `minFrequency` times (frequencies weighted by word counts); ties go to the lexically smaller
 *    (a, b). The new token is a followed by b without its `##`. Stop at `vocabSize` tokens or
 *    when no pair qualifies. Scores (`score`):
 *    - `likelihood` (default): the exact increase of the corpus log-likelihood under a unigram
 *      model of the current symbols when every (a, b) becomes ab, i.e. the original WordPiece
 *      criterion: n = freq(ab), T = all symbols,
 *      [xlnx(n) + xlnx(fa - n) + xlnx(fb - n) - xlnx(fa) - xlnx(fb)] - [xlnx(T - n) - xlnx(T)].
 *      It weighs association by frequency, so frequent words become whole tokens first.
 *    - `pmi`: freq(ab) / (freq(a) * freq(b)), the score in Hugging Face's course chapter on
 *      WordPiece. It ignores frequency, so on a small corpus it spends the budget on rare
 *      words that only ever co-occur (measured on AG News: 119 tokens per text vs 41).
 *    - `frequency`: freq(ab), what the Rust `WordPieceTrainer` does (it is BPE inside).
 * Deterministic: no randomness, every ordering explicit.
 */
import { TokenizerError } from './errors.js';
import { Tokenizer } from '@huggingface/tokenizers';
import { SPECIAL_TOKENS, bertTokenizerJson } from './bert-json.js';
import { PairHeap } from './pair-heap.js';

export type WordPieceScore = 'likelihood' | 'pmi' | 'frequency';

export interface WordPieceOptions {
  vocabSize: number;
  /** A pair must occur at least this often (over the corpus) to be merged. */
  minFrequency: number;
  lowercase: boolean;
  /** Merge criterion (see above); default `likelihood`. */
  score?: WordPieceScore;
  /** Special tokens, in id order; default [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specialTokens?: readonly string[];
  /** Called every few hundred merges with (vocab size so far, target). */
  onProgress?: (size: number, target: number) => void;
}

export interface LearnedVocab {
  /** Tokens in id order. */
  vocab: string[];
  alphabetSize: number;
  merges: number;
  /** Distinct words (after normalization) and their total count in the corpus. */
  words: number;
  wordCount: number;
}

const PREFIX = '##';
const MAX_WORD_CHARS = 100;
// Pair key = a * 2^21 + b: symbol ids stay far below 2^21 (vocabularies are at most ~1e5).
const SHIFT = 2 ** 21;

export function countWords(texts: Iterable<string>, lowercase: boolean): Map<string, number> {
  // The normalizer and pre-tokenizer of the very tokenizer.json we will write, so words are
  // split exactly as encoding will split them.
  const tok = new Tokenizer(bertTokenizerJson(SPECIAL_TOKENS, { lowercase }), {});
  const normalizer = tok.normalizer;
  const pre = tok.pre_tokenizer;
  if (!normalizer || !pre) throw new Error('BERT tokenizer.json without normalizer or pre-tokenizer');
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const w of pre.pre_tokenize(normalizer.normalize(text))) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

function xlnx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function learnWordPiece(texts: Iterable<string>, opts: WordPieceOptions): LearnedVocab {
  const specials = [...(opts.specialTokens ?? SPECIAL_TOKENS)];
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize <= specials.length) {
    throw new TokenizerError(`vocab_size must be an integer above the ${specials.length} special tokens, got ${opts.vocabSize}`);
  }
  const minFrequency = Math.max(1, opts.minFrequency);
  const counts = countWords(texts, opts.lowercase);
  // Words in code-unit order so every later iteration order is fixed.
  const entries = [...counts.entries()].filter(([w]) => [...w].length <= MAX_WORD_CHARS).sort((x, y) => compareStrings(x[0], y[0]));

  const symbols: string[] = [];
  const symbolId = new Map<string, number>();
  const intern = (s: string): number => {
    let id = symbolId.get(s);
    if (id === undefined) {
      id = symbols.length;
      symbols.push(s);
      symbolId.set(s, id);
    }
    return id;
  };
  const charFreq = new Map<string, number>();
  let words = entries.map(([w, c]) => {
    const chars = [...w].map((ch, i) => (i === 0 ? ch : PREFIX + ch));
    for (const s of chars) charFreq.set(s, (charFreq.get(s) ?? 0) + c);
    return { chars, count: c };
  });
  let alphabet = [...charFreq.keys()].filter((s) => !specials.includes(s));
  const room = opts.vocabSize - specials.length;
  if (alphabet.length > room) {
    const keep = new Set(
      alphabet
        .sort((a, b) => (charFreq.get(b) as number) - (charFreq.get(a) as number) || compareStrings(a, b))
        .slice(0, room),
    );
    alphabet = [...keep];
    words = words.filter((w) => w.chars.every((s) => keep.has(s)));
  }
  alphabet.sort(compareStrings);
  const vocab: string[] = [...specials, ...alphabet];
  const inVocab = new Set(vocab);

  const seqs: number[][] = words.map((w) => w.chars.map(intern));
  const wcount = words.map((w) => w.count);
  const symFreq: number[] = [];
  const pairFreq = new Map<number, number>();
  // Words that held a pair at some point, and pairs that contain a symbol (both may be stale:
  // consumers re-check against pairFreq / the word itself).
  const pairWords = new Map<number, Set<number>>();
  const symPairs = new Map<number, Set<number>>();
  const changed = new Set<number>();
  const link = (map: Map<number, Set<number>>, k: number, v: number): void => {
    let set = map.get(k);
    if (!set) map.set(k, (set = new Set()));
    set.add(v);
  };
  const addPairs = (wi: number, sign: 1 | -1): void => {
    const seq = seqs[wi] as number[];
    const c = (wcount[wi] as number) * sign;
    for (let i = 0; i < seq.length; i++) {
      const s = seq[i] as number;
      symFreq[s] = (symFreq[s] ?? 0) + c;
      if (i + 1 === seq.length) continue;
      const t = seq[i + 1] as number;
      const key = s * SHIFT + t;
      const f = (pairFreq.get(key) ?? 0) + c;
      if (f === 0) pairFreq.delete(key);
      else pairFreq.set(key, f);
      changed.add(key);
      if (sign > 0) {
        link(pairWords, key, wi);
        link(symPairs, s, key);
        link(symPairs, t, key);
      }
    }
  };
  seqs.forEach((_, wi) => addPairs(wi, 1));

  let total = words.reduce((acc, w) => acc + w.chars.length * w.count, 0);
  const kind = opts.score ?? 'likelihood';
  const scoreOf = (n: number, a: number, b: number): number => {
    const fa = symFreq[a] as number;
    const fb = symFreq[b] as number;
    if (kind === 'frequency') return n;
    if (kind === 'pmi') return n / (fa * fb);
    const sym = a === b ? xlnx(n) + xlnx(fa - 2 * n) - xlnx(fa) : xlnx(n) + xlnx(fa - n) + xlnx(fb - n) - xlnx(fa) - xlnx(fb);
    return sym - (xlnx(total - n) - xlnx(total));
  };
  const split = (key: number): [number, number] => {
    const a = Math.floor(key / SHIFT);
    return [a, key - a * SHIFT];
  };
  const before = (k1: number, k2: number): boolean => {
    const [a1, b1] = split(k1);
    const [a2, b2] = split(k2);
    return (compareStrings(symbols[a1] as string, symbols[a2] as string) || compareStrings(symbols[b1] as string, symbols[b2] as string)) < 0;
  };
  // Lazy max-heap of scores. Invariant: every live pair has an entry whose stored score is at
  // least its current score (scores of untouched pairs only fall as the total shrinks; every
  // pair whose count or symbol frequencies changed is pushed again). So a popped entry whose
  // stored score still equals its current score is the exact best (ties: lexical order).
  const heap = new PairHeap(before);
  const pushChanged = (): void => {
    for (const key of changed) {
      const n = pairFreq.get(key);
      if (n !== undefined && n >= minFrequency) heap.push(scoreOf(n, ...split(key)), key);
    }
    changed.clear();
  };
  pushChanged();

  let merges = 0;
  while (vocab.length < opts.vocabSize) {
    let bestKey = -1;
    for (;;) {
      const top = heap.pop();
      if (!top) break;
      const n = pairFreq.get(top.key);
      if (n === undefined || n < minFrequency) continue;
      const current = scoreOf(n, ...split(top.key));
      if (current === top.score) {
        bestKey = top.key;
        break;
      }
      heap.push(current, top.key);
    }
    if (bestKey < 0) break;
    const [a, b] = split(bestKey);
    const merged = (symbols[a] as string) + (symbols[b] as string).slice(PREFIX.length);
    const m = intern(merged);
    if (!inVocab.has(merged)) {
      inVocab.add(merged);
      vocab.push(merged);
    }
    merges++;
    const touched = [...(pairWords.get(bestKey) ?? [])].sort((x, y) => x - y);
    pairWords.delete(bestKey);
    for (const wi of touched) {
      const seq = seqs[wi] as number[];
      const next: number[] = [];
      for (let i = 0; i < seq.length; i++) {
        if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
          next.push(m);
          i++;
        } else next.push(seq[i] as number);
      }
      if (next.length === seq.length) continue;
      addPairs(wi, -1);
      total += (next.length - seq.length) * (wcount[wi] as number);
      seqs[wi] = next;
      addPairs(wi, 1);
    }
    // The frequencies of a and b fell, which raises the score of every pair holding them.
    if (kind !== 'frequency') {
      for (const s of [a, b]) for (const key of symPairs.get(s) ?? []) changed.add(key);
    }
    pushChanged();
    if (heap.size > 4 * pairFreq.size + 100_000) {
      heap.clear();
      for (const key of pairFreq.keys()) changed.add(key);
      pushChanged();
    }
    if (opts.onProgress && merges % 250 === 0) opts.onProgress(vocab.length, opts.vocabSize);
  }
  return { vocab, alphabetSize: alphabet.length, merges, words: words.length, wordCount: wcount.reduce((x, y) => x + y, 0) };
}
