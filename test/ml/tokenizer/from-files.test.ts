/**
 * Bad tokenizer files are errors naming the file: tokenizer.json parts that are invalid, a
 * vocabulary with non-integer ids, files that are not UTF-8 or not JSON objects. Parts
 * Hugging Face's own loader treats as optional (normalizer, pre_tokenizer, post_processor,
 * decoder, added_tokens) may be absent, as there.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bertTokenizerJson, tokenizerFromFiles } from '../../../src/ml/tokenizer/index.js';
import { badInputTests, thrownMessage, type BadInput } from '../../util/bad-input.js';
import { tempDir } from '../../util/bert-checkpoint.js';

const t = tempDir();
after(() => t.done());

const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s'];
const good = (): Record<string, unknown> => bertTokenizerJson(vocab, { lowercase: true });
let n = 0;

/** A directory holding one tokenizer.json (edited) or raw file content. */
function dirWith(content: string | Buffer, name = 'tokenizer.json'): string {
  const dir = join(t.dir, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), content);
  return dir;
}

function edited(edit: (j: Record<string, unknown>) => void): string {
  const j = good();
  edit(j);
  return dirWith(JSON.stringify(j));
}

const cases: Array<BadInput<string>> = [
  { name: 'unknown decoder type', input: edited((j) => (j.decoder = { type: 'Nope' })), expect: /case-\d+\/tokenizer\.json: invalid tokenizer\.json: Unknown Decoder type: Nope$/ },
  { name: 'unknown normalizer type', input: edited((j) => (j.normalizer = { type: 'Zap' })), expect: /tokenizer\.json: invalid tokenizer\.json: Unknown Normalizer type: Zap$/ },
  { name: 'unknown post-processor type', input: edited((j) => (j.post_processor = { type: 'X' })), expect: /tokenizer\.json: invalid tokenizer\.json: Unknown PostProcessor type: X$/ },
  { name: 'decoder of the wrong kind', input: edited((j) => (j.decoder = 'WordPiece')), expect: /tokenizer\.json: invalid tokenizer\.json: decoder must be an object or null, got "WordPiece"$/ },
  { name: 'added_tokens not a list', input: edited((j) => (j.added_tokens = 5)), expect: /tokenizer\.json: invalid tokenizer\.json: added_tokens must be a list, got 5$/ },
  { name: 'a vocabulary id that is not an integer', input: edited((j) => ((j.model as { vocab: Record<string, unknown> }).vocab.hello = 'x')), expect: /tokenizer\.json: invalid tokenizer\.json: model\.vocab gives "hello" the id "x" \(ids are integers >= 0\)$/ },
  { name: 'a negative vocabulary id', input: edited((j) => ((j.model as { vocab: Record<string, unknown> }).vocab.hello = -5)), expect: /model\.vocab gives "hello" the id -5/ },
  { name: 'a vocabulary that is a list', input: edited((j) => ((j.model as { vocab: unknown }).vocab = ['a'])), expect: /tokenizer\.json: invalid tokenizer\.json: model\.vocab must map tokens to ids$/ },
  { name: 'no model', input: edited((j) => delete j.model), expect: /tokenizer\.json: tokenizer\.json model is missing; only BERT WordPiece tokenizers are supported$/ },
  { name: 'not a JSON object', input: dirWith('[1, 2]'), expect: /tokenizer\.json: not a JSON object$/ },
  { name: 'not JSON', input: dirWith('{"version": '), expect: /tokenizer\.json: invalid JSON: / },
  { name: 'tokenizer.json not UTF-8', input: dirWith(Buffer.from('{"x": "caf\xe9"}', 'latin1')), expect: /tokenizer\.json:1:11: not valid UTF-8 \(byte 0xe9 at offset 10\); save the file as UTF-8$/ },
  { name: 'vocab.txt not UTF-8', input: dirWith(Buffer.from('[PAD]\n[UNK]\n[CLS]\n[SEP]\nna\xefve\n', 'latin1'), 'vocab.txt'), expect: /vocab\.txt:5:3: not valid UTF-8 \(byte 0xef at offset 26\)/ },
];

badInputTests('bad tokenizer files', cases, (dir) => thrownMessage(() => tokenizerFromFiles(dir, { maxLength: 16 })));

void test('tokenizer.json without decoder (or the other optional parts) loads, as in Hugging Face', async () => {
  const full = await tokenizerFromFiles(dirWith(JSON.stringify(good())), { maxLength: 16 });
  for (const part of ['decoder', 'added_tokens', 'post_processor']) {
    const tok = await tokenizerFromFiles(edited((j) => delete j[part]), { maxLength: 16 });
    assert.deepEqual(Array.from(tok.encodeOne('hello worlds')), Array.from(full.encodeOne('hello worlds')), part);
  }
  const bare = await tokenizerFromFiles(edited((j) => delete j.normalizer), { maxLength: 16 });
  assert.deepEqual(Array.from(bare.encodeOne('Hello')), [2, 1, 3], 'no normalizer: no lowercasing, as HF would do');
});
