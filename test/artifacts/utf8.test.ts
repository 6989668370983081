import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8 } from '../../src/artifacts/utf8.js';

const b = (...parts: Array<string | number[]>): Uint8Array => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

void test('decodeUtf8: valid text decodes; the first bad sequence is located by line, column and byte offset', () => {
  assert.deepEqual(decodeUtf8(b('fine ✓\nnaïve')), { ok: true, text: 'fine ✓\nnaïve' });
  const cases: Array<[Uint8Array, { line: number; col: number; offset: number; byte: number }]> = [
    [b('abc\nd', [0xe9], 'f\n'), { line: 2, col: 2, offset: 5, byte: 0xe9 }], // Latin-1 é
    [b('héllo\nwörld ', [0xe2, 0x82], '\nx'), { line: 2, col: 7, offset: 14, byte: 0xe2 }], // cut before the newline
    [b('ok\n€€', [0xe2, 0x41]), { line: 2, col: 3, offset: 9, byte: 0xe2 }], // a lead byte then ASCII
    [b('ab', [0xef, 0xbf], 'c'), { line: 1, col: 3, offset: 2, byte: 0xef }],
    [b('x', [0xe2, 0x82]), { line: 1, col: 2, offset: 1, byte: 0xe2 }], // cut at the end of the file
    [b([0xc0, 0x80]), { line: 1, col: 1, offset: 0, byte: 0xc0 }], // overlong NUL
    [b('a', [0xed, 0xa0, 0x80]), { line: 1, col: 2, offset: 1, byte: 0xed }], // a UTF-16 surrogate
  ];
  for (const [bytes, bad] of cases) assert.deepEqual(decodeUtf8(bytes), { ok: false, bad }, Buffer.from(bytes).toString('hex'));
});
