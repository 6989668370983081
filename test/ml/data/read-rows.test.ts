/**
 * CSV shape problems csv-parse lets through or reports loosely: a duplicate or unnamed header
 * column, rows with more or fewer fields than the header, an empty file, a header alone. Each
 * is a DataError naming the file and line (and, for the header, the columns).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabelledFile, parseCsv } from '../../../src/ml/data/index.js';
import { badInputTests, thrownMessage, type BadInput } from '../../util/bad-input.js';

const csvCases: Array<BadInput<string>> = [
  { name: 'duplicate header column', input: 'text,text,label\na,b,0\nc,d,1\n', expect: "f.csv:1: column 'text' appears twice in the header (columns 1 and 2); rename one" },
  { name: 'duplicate header column far apart, after blank lines', input: '\n\nlabel,text,id,label\n0,a,1,0\n', expect: "f.csv:3: column 'label' appears twice in the header (columns 1 and 4); rename one" },
  { name: 'empty header name', input: 'text,,label\na,b,0\n', expect: 'f.csv:1: column 2 of the header has no name; name every column' },
  { name: 'blank header name', input: 'text, ,label\na,b,0\n', expect: 'f.csv:1: column 2 of the header has no name' },
  { name: 'row with more fields than the header', input: 'text,label\na,0\nb,1,extra\n', expect: 'f.csv:3: invalid CSV: Invalid Record Length: columns length is 2, got 3 on line 3' },
  { name: 'row with fewer fields than the header', input: 'text,label\na,0\nb\n', expect: 'f.csv:3: invalid CSV: Invalid Record Length: columns length is 2, got 1 on line 3' },
];

badInputTests('bad CSV', csvCases, (text) => thrownMessage(() => parseCsv(text, 'f.csv')));

void test('a header with columns named __proto__ and constructor is read as ordinary columns', () => {
  const r = parseCsv('__proto__,constructor,label\na,b,0\n', 'f.csv');
  assert.equal(r[0]!.fields.__proto__, 'a');
  assert.equal(Object.hasOwn(r[0]!.fields, '__proto__'), true);
  assert.equal(r[0]!.fields.constructor, 'b');
});

void test('empty CSV files and a header alone: named errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-csv-'));
  try {
    const cases: Array<[string, string, RegExp]> = [
      ['empty.csv', '', /^empty\.csv: the file is empty$/],
      ['blank.csv', '\n \n', /^blank\.csv: the file is empty$/],
      ['header.csv', 'text,label\n', /^header\.csv: no data rows$/],
      ['header-blank.csv', 'text,label\n\n\n', /^header-blank\.csv: no data rows$/],
    ];
    for (const [name, text, expected] of cases) {
      await writeFile(join(dir, name), text);
      await assert.rejects(loadLabelledFile(join(dir, name), name, 'csv', { text: 'text', label: 'label' }), (e: Error) => {
        assert.equal(e.name, 'DataError');
        assert.match(e.message, expected);
        return true;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
