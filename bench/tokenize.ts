/**
 * Tokenizer speed on real data: encoding all of AG News (7,600 texts) and IMDB (6,000 reviews)
 * with the bert-base-uncased vocabulary and with a learned 8,000-token WordPiece vocabulary,
 * and the learner itself on the AG News train split. Target: AG News encodes in a couple of
 * seconds. Pre-tokenization alone (normalizer + pre-tokenizer) is printed as the reference
 * floor measured in the same run.
 * Run: npm run build && node dist/bench/tokenize.js
 */
import { readFileSync } from 'node:fs';
import { BertTokenizer, bertTokenizerJson, countWords, learnWordPiece, tokenizerFromFiles } from '../src/ml/tokenizer/index.js';
import { sharedDir, sharedPath } from '../test/util/shared.js';

function texts(name: string): string[] {
  return readFileSync(sharedPath('data', name, 'data.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

function seconds<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, (performance.now() - t0) / 1000];
}

async function main(): Promise<void> {
  if (!sharedDir) {
    console.log('skipped: ../shared/data is absent');
    return;
  }
  const bert = await tokenizerFromFiles({ vocabTxt: sharedPath('data', 'bert-base-uncased', 'vocab.txt') }, { maxLength: 128 });
  for (const name of ['agnews', 'imdb']) {
    const data = texts(name);
    const [, floor] = seconds(() => countWords(data, true));
    const [enc, t] = seconds(() => bert.encode(data));
    const tokens = enc.reduce((n, e) => n + e.length, 0);
    console.log(`${name}: ${data.length} texts, bert-base-uncased vocab, max_length 128: ${t.toFixed(2)} s (${Math.round(data.length / t)} texts/s, ${(tokens / data.length).toFixed(1)} tokens/text); normalize + pre-tokenize alone ${floor.toFixed(2)} s`);
  }
  const ag = texts('agnews');
  const train = ag.slice(0, Math.round(ag.length * 0.8));
  const [learned, tl] = seconds(() => learnWordPiece(train, { vocabSize: 8000, minFrequency: 2, lowercase: true }));
  const own = new BertTokenizer(bertTokenizerJson(learned.vocab, { lowercase: true }), { maxLength: 128 });
  const [enc, te] = seconds(() => own.encode(ag));
  console.log(`learn WordPiece 8000 on ${train.length} AG News texts: ${tl.toFixed(2)} s (${learned.merges} merges); encode all ${ag.length}: ${te.toFixed(2)} s, ${(enc.reduce((n, e) => n + e.length, 0) / ag.length).toFixed(1)} tokens/text`);
  console.log(`target: AG News encoded in a couple of seconds with either vocabulary`);
}

await main();
