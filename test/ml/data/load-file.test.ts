import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, examplesFromRows, loadLabelledFile, parseCsv, parseJsonl, type ColumnMapping } from '../../../src/ml/data/index.js';

const cols: ColumnMapping = { text: 'text', label: 'label' };

function rows(...objs: Array<Record<string, unknown>>): ReturnType<typeof parseJsonl> {
  return objs.map((fields, i) => ({ line: i + 1, fields }));
}

function fails(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${e.name}: ${e.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

void test('JSONL: blank lines skipped, syntax errors name file and line', () => {
  assert.equal(parseJsonl('{"text":"a","label":0}\n\n{"text":"b","label":1}\n', 'f.jsonl').length, 2);
  assert.throws(() => parseJsonl('{"text":"a","label":0}\n{"text": "b",\n', 'f.jsonl'), /^DataError: f\.jsonl:2: invalid JSON: /);
  fails(() => parseJsonl('{"a":1}\n[1,2]\n', 'f.jsonl'), 'f.jsonl:2: expected a JSON object per line, got an array');
});

void test('CSV: header row, quoted fields with commas and newlines, line numbers', () => {
  const r = parseCsv('text,label\n"hello, world",pos\n"two\nlines",neg\nplain,pos\n', 'f.csv');
  assert.deepEqual(r.map((x) => x.fields.text), ['hello, world', 'two\nlines', 'plain']);
  assert.equal(r[0]!.line, 2);
  assert.equal(r[2]!.line, 5);
  assert.throws(() => parseCsv('text,label\n"unclosed,pos\n', 'f.csv'), /^DataError: f\.csv(:\d+)?: invalid CSV: /);
  assert.deepEqual(parseCsv('text;label\na;1\n', 'f.csv', { delimiter: ';' })[0]!.fields, { text: 'a', label: '1' });
});

void test('labels: ids, names sorted, label_names, label-name column', () => {
  const ids = examplesFromRows(rows({ text: 'a', label: 1 }, { text: 'b', label: 0 }, { text: 'c', label: '2' }), 'f', cols);
  assert.deepEqual(ids.labels, ['0', '1', '2']);
  assert.deepEqual(ids.examples.map((e) => e.label), [1, 0, 2]);
  const named = examplesFromRows(rows({ text: 'a', label: 'spam' }, { text: 'b', label: 'ham' }), 'f', cols);
  assert.deepEqual(named.labels, ['ham', 'spam']);
  assert.deepEqual(named.examples.map((e) => e.label), [1, 0]);
  const given = examplesFromRows(rows({ text: 'a', label: 'spam' }, { text: 'b', label: 0 }), 'f', { ...cols, labelNames: ['ham', 'spam'] });
  assert.deepEqual(given.examples.map((e) => e.label), [1, 0]);
  const byColumn = examplesFromRows(rows({ text: 'a', label: 1, label_name: 'Sports' }, { text: 'b', label: 0, label_name: 'World' }), 'f', {
    ...cols,
    defaultLabelNameColumn: 'label_name',
  });
  assert.deepEqual(byColumn.labels, ['World', 'Sports']);
});

void test('every bad-data error names the file and line', () => {
  fails(() => examplesFromRows([], 'f.jsonl', cols), 'f.jsonl: no data rows');
  fails(() => examplesFromRows(rows({ text: 'a', label: 0 }, { body: 'b', label: 1 }), 'f.jsonl', cols), "f.jsonl:2: missing column 'text' (the row has: body, label)");
  fails(() => examplesFromRows(rows({ text: 'a', y: 0 }), 'f.jsonl', cols), "f.jsonl:1: missing column 'label' (the row has: text, y)");
  fails(() => examplesFromRows(rows({ text: 'a', label: 0 }, { text: '  ', label: 1 }), 'f.jsonl', cols), "f.jsonl:2: empty text in column 'text'");
  fails(() => examplesFromRows(rows({ text: 'a', label: 0 }, { text: 'b', label: 0 }), 'f.jsonl', cols), "f.jsonl: only one class ('0'); a classifier needs at least two");
  fails(
    () => examplesFromRows(rows({ text: 'a', label: 0 }, { text: 'b', label: 0 }), 'f.jsonl', { ...cols, labelNames: ['x', 'y'] }),
    "f.jsonl: every row has the class 'x'; a classifier needs at least two classes",
  );
  fails(
    () => examplesFromRows(rows({ text: 'a', label: 0 }, { text: 'b', label: 5 }), 'f.jsonl', { ...cols, labelNames: ['x', 'y'] }),
    'f.jsonl:2: label 5 out of range 0..1 (label_names has 2 names)',
  );
  fails(
    () => examplesFromRows(rows({ text: 'a', label: -1 }, { text: 'b', label: 1 }), 'f.jsonl', cols),
    'f.jsonl:1: label -1 is negative, so not a class id (ids are 0, 1, 2, ...); to use such values as labels, write them as strings ("7") or list them in label_names (as text, in the class order you want)',
  );
  fails(
    () => examplesFromRows(rows({ text: 'a', label: 'z' }, { text: 'b', label: 0 }), 'f.jsonl', { ...cols, labelNames: ['x', 'y'] }),
    "f.jsonl:1: label 'z' is not one of label_names (x, y)",
  );
  fails(
    () => examplesFromRows(rows({ text: 'a', label: 0 }, { text: 'b', label: 'pos' }), 'f.jsonl', cols),
    "f.jsonl:2: label 'pos' is a name but line 1 has the class id 0; use one kind (or give label_names)",
  );
  fails(
    () => examplesFromRows(rows({ text: 'a', label: 0, n: 'x' }, { text: 'b', label: 0, n: 'y' }, { text: 'c', label: 1, n: 'z' }), 'f.jsonl', { ...cols, labelNameColumn: 'n' }),
    "f.jsonl:2: class id 0 is named 'y' here but 'x' on line 1",
  );
  fails(() => examplesFromRows(rows({ text: 'a', label: null }), 'f.jsonl', cols), "f.jsonl:1: label in column 'label' must be a class id or name, got null");
});

void test('loadLabelledFile: missing, empty and good files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lf-data-'));
  try {
    await assert.rejects(loadLabelledFile(join(dir, 'nope.jsonl'), 'nope.jsonl', 'jsonl', cols), (e: Error) => {
      assert.match(e.message, /^nope\.jsonl: no such file \(looked for .*nope\.jsonl\)$/);
      return true;
    });
    await writeFile(join(dir, 'empty.csv'), '\n\n');
    await assert.rejects(loadLabelledFile(join(dir, 'empty.csv'), 'empty.csv', 'csv', cols), /^DataError: empty\.csv: the file is empty$/);
    await writeFile(join(dir, 'header.csv'), 'text,label\n');
    await assert.rejects(loadLabelledFile(join(dir, 'header.csv'), 'header.csv', 'csv', cols), /^DataError: header\.csv: no data rows$/);
    await writeFile(join(dir, 'ok.csv'), 'label,text\n1,good\n0,bad\n');
    const ok = await loadLabelledFile(join(dir, 'ok.csv'), 'ok.csv', 'csv', cols);
    assert.deepEqual(ok.examples.map((e) => [e.text, e.label, e.line]), [['good', 1, 2], ['bad', 0, 3]]);
    assert.match(ok.digest, /^[0-9a-f]{64}$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
