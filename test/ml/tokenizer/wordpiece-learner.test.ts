import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertTokenizer, bertTokenizerJson, countWords, learnWordPiece, type WordPieceScore } from '../../../src/ml/tokenizer/index.js';

const corpus = [
  'The market rallied as stocks rose on strong earnings.',
  'Stocks fell when the market opened; earnings disappointed.',
  'The team won the match after a late goal.',
  'A late goal gave the team the win in the final match.',
  'Markets and stocks: the earnings season begins.',
  'The goalkeeper saved the match for the team.',
];

/** Straightforward reference: rescan every pair after every merge (same rules, no heap). */
function naive(texts: string[], vocabSize: number, minFrequency: number, score: WordPieceScore): string[] {
  const counts = countWords(texts, true);
  const words = [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([w, c]) => ({ syms: [...w].map((ch, i) => (i ? '##' + ch : ch)), c }));
  const alphabet = [...new Set(words.flatMap((w) => w.syms))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...alphabet];
  const xl = (x: number): number => (x > 0 ? x * Math.log(x) : 0);
  while (vocab.length < vocabSize) {
    const sym = new Map<string, number>();
    const pair = new Map<string, { a: string; b: string; n: number }>();
    let total = 0;
    for (const w of words) {
      w.syms.forEach((s, i) => {
        sym.set(s, (sym.get(s) ?? 0) + w.c);
        total += w.c;
        const t = w.syms[i + 1];
        if (t === undefined) return;
        const k = s + '\u0000' + t;
        const e = pair.get(k) ?? { a: s, b: t, n: 0 };
        e.n += w.c;
        pair.set(k, e);
      });
    }
    let best: { a: string; b: string; s: number } | undefined;
    for (const { a, b, n } of pair.values()) {
      if (n < minFrequency) continue;
      const fa = sym.get(a)!;
      const fb = sym.get(b)!;
      const s =
        score === 'frequency'
          ? n
          : score === 'pmi'
            ? n / (fa * fb)
            : (a === b ? xl(n) + xl(fa - 2 * n) - xl(fa) : xl(n) + xl(fa - n) + xl(fb - n) - xl(fa) - xl(fb)) - (xl(total - n) - xl(total));
      if (!best || s > best.s || (s === best.s && (a < best.a || (a === best.a && b < best.b)))) best = { a, b, s };
    }
    if (!best) break;
    const m = best.a + best.b.slice(2);
    if (!vocab.includes(m)) vocab.push(m);
    for (const w of words) {
      const next: string[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (w.syms[i] === best.a && w.syms[i + 1] === best.b) {
          next.push(m);
          i++;
        } else next.push(w.syms[i]!);
      }
      w.syms = next;
    }
  }
  return vocab;
}

for (const score of ['likelihood', 'pmi', 'frequency'] as const) {
  void test(`learner (${score}) matches a naive full-rescan reference`, () => {
    const learned = learnWordPiece(corpus, { vocabSize: 120, minFrequency: 2, lowercase: true, score });
    assert.deepEqual(learned.vocab, naive(corpus, 120, 2, score));
  });
}

void test('special tokens first, deterministic, learns frequent words whole', () => {
  const a = learnWordPiece(corpus, { vocabSize: 200, minFrequency: 2, lowercase: true });
  const b = learnWordPiece([...corpus], { vocabSize: 200, minFrequency: 2, lowercase: true });
  assert.deepEqual(a.vocab, b.vocab);
  assert.deepEqual(a.vocab.slice(0, 5), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  assert.equal(new Set(a.vocab).size, a.vocab.length, 'no duplicate tokens');
  for (const w of ['the', 'team', 'match', 'stocks', 'earnings']) assert.ok(a.vocab.includes(w), `frequent word ${w} is one token`);
  const tok = new BertTokenizer(bertTokenizerJson(a.vocab, { lowercase: true }), { maxLength: 32 });
  assert.deepEqual(tok.tokens('The team'), ['[CLS]', 'the', 'team', '[SEP]']);
  assert.equal(tok.specialIds.pad, 0);
  assert.equal(tok.specialIds.unk, 1);
  assert.equal(tok.specialIds.cls, 2);
  assert.equal(tok.specialIds.sep, 3);
  assert.equal(tok.specialIds.mask, 4);
  // A character never seen in training is [UNK].
  assert.deepEqual(tok.tokens('zz'), ['[CLS]', '[UNK]', '[SEP]']);
});

void test('vocab size is respected; min_frequency stops merges early', () => {
  const small = learnWordPiece(corpus, { vocabSize: 60, minFrequency: 2, lowercase: true });
  assert.equal(small.vocab.length, 60);
  const strict = learnWordPiece(corpus, { vocabSize: 10_000, minFrequency: 1000, lowercase: true });
  assert.equal(strict.merges, 0);
  assert.equal(strict.vocab.length, 5 + strict.alphabetSize);
  assert.throws(() => learnWordPiece(corpus, { vocabSize: 5, minFrequency: 2, lowercase: true }), /vocab_size must be an integer above the 5 special tokens/);
});

void test('alphabet larger than the budget keeps the most frequent characters', () => {
  const r = learnWordPiece(['aaa bbb c d'], { vocabSize: 8, minFrequency: 1, lowercase: true });
  assert.equal(r.vocab.length, 8);
  assert.deepEqual(r.vocab.slice(5), ['##a', '##b', 'a']);
});

void test('casing: lowercase false keeps case', () => {
  const r = learnWordPiece(['Apple apple Apple'], { vocabSize: 40, minFrequency: 1, lowercase: false });
  assert.ok(r.vocab.includes('Apple') && r.vocab.includes('apple'));
});
