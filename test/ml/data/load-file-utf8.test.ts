/** Data files must be UTF-8: the first bad byte is a DataError with the file, line and column. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabelledFile } from '../../../src/ml/data/index.js';

const cols = { text: 'text', label: 'label' };

void test('non-UTF-8 bytes in a JSONL or CSV data file: rejected with file, line and column', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-utf8-'));
  try {
    const cases: Array<[string, 'jsonl' | 'csv', Buffer, string]> = [
      ['latin1.jsonl', 'jsonl', Buffer.from('{"text":"ok","label":0}\n{"text":"caf\xe9","label":1}\n', 'latin1'), 'latin1.jsonl:2:13: not valid UTF-8 (byte 0xe9 at offset 36); save the file as UTF-8'],
      ['latin1.csv', 'csv', Buffer.from('text,label\nna\xefve,1\nok,0\n', 'latin1'), 'latin1.csv:2:3: not valid UTF-8 (byte 0xef at offset 13); save the file as UTF-8'],
      ['cut.csv', 'csv', Buffer.concat([Buffer.from('text,label\n€,1\nx'), Buffer.from([0xe2, 0x82])]), 'cut.csv:3:2: not valid UTF-8 (byte 0xe2 at offset 18); save the file as UTF-8'],
    ];
    for (const [name, format, bytes, message] of cases) {
      await writeFile(join(dir, name), bytes);
      await assert.rejects(loadLabelledFile(join(dir, name), name, format, cols), (e: Error) => {
        assert.equal(e.name, 'DataError');
        assert.equal(e.message, message);
        return true;
      });
    }
    await writeFile(join(dir, 'good.csv'), '\uFEFFtext,label\ncafé ✓,1\nnaïve,0\n');
    const ok = await loadLabelledFile(join(dir, 'good.csv'), 'good.csv', 'csv', cols);
    assert.deepEqual(ok.examples.map((e) => e.text), ['café ✓', 'naïve']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
