import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertTokenizer, bertTokenizerJson, parseVocabTxt, tokenizerFromFiles } from '../../../src/ml/tokenizer/index.js';
import { sharedPath, skipWithoutShared } from '../../util/shared.js';

const skip = skipWithoutShared();

void test('bert-base-uncased: known tokenizations and ids', { skip }, async () => {
  const tok = await tokenizerFromFiles({ vocabTxt: sharedPath('data', 'bert-base-uncased', 'vocab.txt') }, { maxLength: 512 });
  assert.equal(tok.vocabSize, 30522);
  assert.deepEqual(tok.specialIds, { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 });
  assert.deepEqual(Array.from(tok.encodeOne('Hello, world!')), [101, 7592, 1010, 2088, 999, 102]);
  assert.deepEqual(tok.tokens('Hello, world!'), ['[CLS]', 'hello', ',', 'world', '!', '[SEP]']);
  // What transformers' BertTokenizer gives with this vocabulary (the BERT paper's
  // "un ##aff ##able" example used a different vocabulary).
  assert.deepEqual(tok.tokens('unaffable'), ['[CLS]', 'una', '##ffa', '##ble', '[SEP]']);
  assert.deepEqual(Array.from(tok.encodeOne('unaffable')), [101, 14477, 20961, 3468, 102]);
  // Accents stripped and lowercased; punctuation split off.
  assert.deepEqual(tok.tokens('Café RÉSUMÉ naïve'), ['[CLS]', 'cafe', 'resume', 'naive', '[SEP]']);
  assert.deepEqual(tok.tokens("don't stop"), ['[CLS]', 'don', "'", 't', 'stop', '[SEP]']);
  // CJK characters become words of their own; unknown ones are [UNK].
  assert.deepEqual(tok.tokens('中你'), ['[CLS]', '中', '[UNK]', '[SEP]']);
  assert.deepEqual(tok.tokens('the quick brown fox jumps'), ['[CLS]', 'the', 'quick', 'brown', 'fox', 'jumps', '[SEP]']);
  assert.deepEqual(Array.from(tok.encodeOne('')), [101, 102]);
});

void test('truncation keeps [CLS] ... [SEP] within max length', { skip }, async () => {
  const tok = await tokenizerFromFiles({ vocabTxt: sharedPath('data', 'bert-base-uncased', 'vocab.txt') }, { maxLength: 5 });
  assert.deepEqual(tok.tokens('one two three four five six'), ['[CLS]', 'one', 'two', 'three', '[SEP]']);
  assert.deepEqual(tok.tokens('one two'), ['[CLS]', 'one', 'two', '[SEP]']);
  const many = tok.encode(['a b c d e f g', 'x']);
  assert.deepEqual(many.map((a) => a.length), [5, 3]);
});

const tinyVocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', '##s', 'on', 'mat', '.', 'Cat'];

void test('a vocab.txt without tokenizer.json: cased and uncased, from a directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-tok-'));
  try {
    await writeFile(join(dir, 'vocab.txt'), tinyVocab.join('\n') + '\n');
    const uncased = await tokenizerFromFiles(dir);
    assert.equal(uncased.maxLength, 512);
    assert.deepEqual(uncased.tokens('The CATS sat on a mat.'), ['[CLS]', 'the', 'cat', '##s', 'sat', 'on', '[UNK]', 'mat', '.', '[SEP]']);
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false, model_max_length: 64 }));
    const cased = await tokenizerFromFiles(dir);
    assert.equal(cased.maxLength, 64);
    assert.equal(cased.lowercase, false);
    assert.deepEqual(cased.tokens('Cat cat'), ['[CLS]', 'Cat', 'cat', '[SEP]']);
    // A tokenizer.json (what we write) takes precedence and round-trips.
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(tinyVocab, { lowercase: true })));
    const fromJson = await tokenizerFromFiles(dir, { maxLength: 16 });
    assert.deepEqual(fromJson.tokens('Cat'), ['[CLS]', 'cat', '[SEP]']);
    assert.deepEqual(fromJson.vocab(), tinyVocab);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('clear errors for missing files and missing special tokens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-tok-'));
  try {
    await assert.rejects(tokenizerFromFiles(dir), new RegExp(`${dir}: no tokenizer.json or vocab.txt`));
    await writeFile(join(dir, 'vocab.txt'), 'a\nb\n');
    await assert.rejects(tokenizerFromFiles(dir), /vocab\.txt: has no \[UNK\] token/);
    assert.throws(() => new BertTokenizer({ model: { type: 'BPE', vocab: {} } }, { maxLength: 8 }), /only BERT WordPiece tokenizers are supported/);
    assert.throws(() => new BertTokenizer(bertTokenizerJson(tinyVocab, { lowercase: true }), { maxLength: 2 }), /max length must be an integer >= 3/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('parseVocabTxt: CRLF and trailing newline', () => {
  assert.deepEqual(parseVocabTxt('a\r\nb\r\n'), ['a', 'b']);
  assert.deepEqual(parseVocabTxt('a\nb'), ['a', 'b']);
});

void test('long texts: the whitespace-cut prefix gives exactly the truncated full encoding', { skip }, async () => {
  const short = await tokenizerFromFiles({ vocabTxt: sharedPath('data', 'bert-base-uncased', 'vocab.txt') }, { maxLength: 6 });
  const full = await tokenizerFromFiles({ vocabTxt: sharedPath('data', 'bert-base-uncased', 'vocab.txt') }, { maxLength: 4096 });
  const texts = [
    // 6 * 8 = 48 characters are tokenized first; words straddle that point.
    'Unaffable naïve résumés, don\'t they? Extraordinarily incomprehensible antidisestablishmentarianism rules',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c d e f g',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    'short prefix but then                                                      tail words here',
    '中文字符測試中文字符測試中文字符測試中文字符測試中文字符測試中文字符測試中文字符測試 more',
  ];
  for (const t of texts) {
    const want = Array.from(full.encodeOne(t));
    const cut = [...want.slice(0, 5), 102];
    assert.deepEqual(Array.from(short.encodeOne(t)), want.length > 6 ? cut : want, t);
  }
});
