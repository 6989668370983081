/**
 * Integer labels are class ids only when dense and small; data-sized label arrays never spread
 * into a call. Each bad label is a DataError naming the file and line, found in a bounded time
 * and memory (a huge id used to allocate one class per integer up to it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSplits, examplesFromRows, type ColumnMapping, type RawRow } from '../../../src/ml/data/index.js';
import { MAX_CLASS_IDS } from '../../../src/ml/data/examples.js';
import { badInputTests, thrownMessage, type BadInput } from '../../util/bad-input.js';

const cols: ColumnMapping = { text: 'text', label: 'label' };
const rows = (...labels: unknown[]): RawRow[] => labels.map((label, i) => ({ line: i + 1, fields: { text: `t${i}`, label } }));
const HOW = 'to use such values as labels, write them as strings ("7") or list them in label_names';

type Input = { rows: RawRow[]; mapping?: ColumnMapping };

const cases: Array<BadInput<Input>> = [
  { name: 'one huge integer label (100000000)', input: { rows: rows(0, 1, 100000000, 1) }, expect: `f.jsonl:3: label 100000000 is not a small class id: integer labels are class ids 0..C-1, with at most 10,000 classes; ${HOW}` },
  { name: 'an integer label of 1e12', input: { rows: rows(0, 1e12) }, expect: 'f.jsonl:2: label 1000000000000 is not a small class id' },
  { name: 'a CSV digit string beyond the safe integers', input: { rows: rows('0', '99999999999999999999') }, expect: 'f.jsonl:2: label 100000000000000000000 is not a small class id' },
  { name: 'ids sparser than the rows', input: { rows: rows(0, 1, 7, 1) }, expect: 'f.jsonl:3: label 7 is not a small class id: integer labels are class ids 0..C-1, with no more classes than rows (4)' },
  { name: 'a negative label', input: { rows: rows(0, -3, 1) }, expect: `f.jsonl:2: label -3 is negative, so not a class id (ids are 0, 1, 2, ...); ${HOW}` },
  { name: 'a fractional numeric label', input: { rows: rows(0, 1.5, 1) }, expect: `f.jsonl:2: label 1.5 is a number but not a class id (an integer 0, 1, 2, ...); ${HOW}` },
  { name: 'an infinite numeric label (1e400 in JSON)', input: { rows: rows(0, Infinity, 1) }, expect: 'f.jsonl:2: label Infinity is a number but not a class id' },
  { name: 'a NaN label', input: { rows: rows(0, NaN, 1) }, expect: 'f.jsonl:2: label NaN is a number but not a class id' },
  { name: 'infinite text', input: { rows: [{ line: 1, fields: { text: Infinity, label: 0 } }] }, expect: "f.jsonl:1: column 'text' must be text, got Infinity" },
  { name: 'a single class', input: { rows: rows(0, 0, 0) }, expect: "f.jsonl: only one class ('0'); a classifier needs at least two" },
  { name: 'no rows at all', input: { rows: [] }, expect: 'f.jsonl: no data rows' },
  { name: 'a column named constructor that the rows lack', input: { rows: rows(0, 1), mapping: { text: 'constructor', label: 'label' } }, expect: "f.jsonl:1: missing column 'constructor'" },
  { name: 'a label column named toString that the rows lack', input: { rows: rows(0, 1), mapping: { text: 'text', label: 'toString' } }, expect: "f.jsonl:1: missing column 'toString'" },
];

badInputTests('bad labels', cases, (i) => thrownMessage(() => examplesFromRows(i.rows, 'f.jsonl', i.mapping ?? cols)));

void test('label_names maps numeric labels by their text, and CSV digit strings the same way', () => {
  const names = { ...cols, labelNames: ['100000000', '20'] };
  const json = examplesFromRows(rows(20, 100000000, 20), 'f.jsonl', names);
  assert.deepEqual(json.examples.map((e) => e.label), [1, 0, 1]);
  const csv = examplesFromRows(rows('20', '100000000'), 'f.csv', names);
  assert.deepEqual(csv.examples.map((e) => e.label), [1, 0]);
  assert.deepEqual(examplesFromRows(rows('1e12', 'x'), 'f.csv', cols).labels, ['1e12', 'x'], 'a non-digit CSV value is a name');
});

void test(`ids up to ${MAX_CLASS_IDS - 1} with as many rows load`, () => {
  const labels = Array.from({ length: MAX_CLASS_IDS }, (_, i) => i);
  const d = examplesFromRows(rows(...labels), 'f.jsonl', cols);
  assert.equal(d.labels.length, MAX_CLASS_IDS);
});

void test('250k rows with integer labels: examples and stratified splits without a stack overflow', () => {
  const n = 250_000;
  const big = Array.from({ length: n }, (_, i): RawRow => ({ line: i + 1, fields: { text: `row ${i}`, label: i % 4 } }));
  const d = examplesFromRows(big, 'big.jsonl', cols);
  assert.deepEqual(d.labels, ['0', '1', '2', '3']);
  const built = buildSplits(d, { train: 0.8, validation: 0.1, test: 0.1, calibration: 100_000, seed: 1 }, 'big.jsonl');
  assert.equal(built.splits.train.length + built.splits.validation.length + built.splits.test.length, n);
  assert.equal(built.splits.calibration.length, 100_000);
});
