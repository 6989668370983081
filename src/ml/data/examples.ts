/**
 * Rows -> labelled examples: column mapping and label resolution.
 *
 * A label is a class id when it is an integer (a JSON number, or a CSV field of digits), else a
 * class name. With `labelNames`, a value that is one of the names is that class (a JSON number
 * too, by its text: `label_names: ["10", "20"]` maps the numbers 10 and 20) and an id must index
 * the list. Without it: integer ids give classes 0..max, named by the label-name column when
 * there is one (else the id as text); names give classes sorted by code unit. Mixing ids and
 * names is an error.
 *
 * Class ids must be dense and small: 0..C-1 with C at most MAX_CLASS_IDS and no more than the
 * rows (so most ids are present). Anything else (a negative, fractional or huge number) is
 * not a class id but a value to map; the error names the line and says how (a huge id would
 * otherwise allocate one class per integer up to it).
 */
import type { Example } from '../types.js';
import { DataError } from './errors.js';
import type { RawRow } from './read-rows.js';

/** The most classes integer labels may imply (ids 0..MAX_CLASS_IDS-1). */
export const MAX_CLASS_IDS = 10_000;

export interface ColumnMapping {
  /** Column holding the text. */
  text: string;
  /** Column holding the label (class id or name). */
  label: string;
  /** Column holding each row's class name (for integer labels); absent: none. */
  labelNameColumn?: string;
  /** Used as labelNameColumn when that is absent, labelNames too, and every row has this column. */
  defaultLabelNameColumn?: string;
  /** Class names in id order; absent: derived as described above. */
  labelNames?: string[];
}

/** An example with its source line, for messages. */
export interface SourcedExample extends Example {
  line: number;
}

export interface LabelledData {
  examples: SourcedExample[];
  labels: string[];
}

function asInteger(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  // JSON.stringify would show Infinity (from `1e400`) as null, and a function not at all.
  if (typeof v === 'number' || typeof v !== 'object') return String(v);
  return JSON.stringify(v) ?? String(v);
}

const HOW_TO_MAP = 'to use such values as labels, write them as strings ("7") or list them in label_names (as text, in the class order you want)';

export function examplesFromRows(rows: RawRow[], file: string, mapping: ColumnMapping): LabelledData {
  if (rows.length === 0) throw new DataError(`${file}: no data rows`);
  const dflt = mapping.defaultLabelNameColumn;
  if (mapping.labelNameColumn === undefined && !mapping.labelNames && dflt !== undefined && rows.every((r) => Object.hasOwn(r.fields, dflt))) {
    mapping = { ...mapping, labelNameColumn: dflt };
  }
  const names = mapping.labelNames;
  if (names) {
    if (names.length < 2) throw new DataError(`${file}: label_names lists ${names.length} class(es); a classifier needs at least two`);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new DataError(`${file}: label_names lists '${dup}' twice`);
  }
  const nameIndex = new Map((names ?? []).map((n, i) => [n, i]));

  type Raw = { line: number; text: string; id?: number; name?: string; rowName?: string };
  const raws: Raw[] = [];
  for (const row of rows) {
    const where = `${file}:${row.line}`;
    for (const col of [mapping.text, mapping.label, mapping.labelNameColumn]) {
      if (col !== undefined && !Object.hasOwn(row.fields, col)) {
        const have = Object.keys(row.fields).join(', ');
        throw new DataError(`${where}: missing column '${col}' (the row has: ${have || 'no columns'})`);
      }
    }
    const text = row.fields[mapping.text];
    if (typeof text !== 'string') throw new DataError(`${where}: column '${mapping.text}' must be text, got ${describe(text)}`);
    if (text.trim() === '') throw new DataError(`${where}: empty text in column '${mapping.text}'`);
    const value = row.fields[mapping.label];
    const r: Raw = { line: row.line, text };
    if (mapping.labelNameColumn !== undefined) {
      const n = row.fields[mapping.labelNameColumn];
      r.rowName = typeof n === 'string' ? n : String(n);
    }
    if (typeof value === 'string' && nameIndex.has(value)) r.name = value;
    else if (typeof value === 'number' && nameIndex.has(String(value))) r.name = String(value);
    else if (asInteger(value) !== undefined) {
      const id = asInteger(value) as number;
      if (id < 0) throw new DataError(`${where}: label ${describe(value)} is negative, so not a class id (ids are 0, 1, 2, ...); ${HOW_TO_MAP}`);
      r.id = id;
    } else if (typeof value === 'number') {
      throw new DataError(`${where}: label ${describe(value)} is a number but not a class id (an integer 0, 1, 2, ...); ${HOW_TO_MAP}`);
    } else if (typeof value === 'string' && value.trim() !== '') {
      if (names) throw new DataError(`${where}: label ${describe(value)} is not one of label_names (${names.join(', ')})`);
      r.name = value;
    } else throw new DataError(`${where}: label in column '${mapping.label}' must be a class id or name, got ${describe(value)}`);
    raws.push(r);
  }

  const firstId = raws.find((r) => r.id !== undefined);
  const firstName = raws.find((r) => r.name !== undefined && !nameIndex.has(r.name));
  if (firstId && firstName) {
    throw new DataError(`${file}:${firstName.line}: label ${describe(firstName.name)} is a name but line ${firstId.line} has the class id ${firstId.id}; use one kind (or give label_names)`);
  }

  let labels: string[];
  if (names) labels = [...names];
  else if (firstName) labels = [...new Set(raws.map((r) => r.name as string))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  else {
    // A loop, not Math.max(...ids): a spread of 200k ids overflows the stack.
    let top = raws[0] as Raw;
    for (const r of raws) if ((r.id as number) > (top.id as number)) top = r;
    const max = top.id as number;
    const limit = Math.min(MAX_CLASS_IDS, raws.length);
    if (max >= limit) {
      const why = max >= MAX_CLASS_IDS ? `at most ${MAX_CLASS_IDS.toLocaleString('en-US')} classes` : `no more classes than rows (${raws.length})`;
      throw new DataError(`${file}:${top.line}: label ${max} is not a small class id: integer labels are class ids 0..C-1, with ${why}; ${HOW_TO_MAP}`);
    }
    labels = Array.from({ length: max + 1 }, (_, i) => String(i));
    const seen = new Map<number, Raw>();
    for (const r of raws) {
      if (r.rowName === undefined || r.id === undefined || r.id < 0) continue;
      const prev = seen.get(r.id);
      if (prev && prev.rowName !== r.rowName) {
        throw new DataError(`${file}:${r.line}: class id ${r.id} is named '${r.rowName}' here but '${prev.rowName}' on line ${prev.line}`);
      }
      if (!prev) {
        seen.set(r.id, r);
        labels[r.id] = r.rowName;
      }
    }
  }
  const index = new Map(labels.map((n, i) => [n, i]));
  const examples = raws.map((r): SourcedExample => {
    let label: number;
    if (r.id !== undefined) {
      if (r.id < 0 || r.id >= labels.length) {
        throw new DataError(`${file}:${r.line}: label ${r.id} out of range 0..${labels.length - 1}${names ? ` (label_names has ${names.length} names)` : ''}`);
      }
      label = r.id;
    } else label = index.get(r.name as string) as number;
    return { text: r.text, label, line: r.line };
  });
  if (labels.length < 2) throw new DataError(`${file}: only one class (${describe(labels[0])}); a classifier needs at least two`);
  const present = new Set(examples.map((e) => e.label));
  if (present.size < 2) {
    throw new DataError(`${file}: every row has the class ${describe(labels[examples[0]?.label ?? 0])}; a classifier needs at least two classes`);
  }
  return { examples, labels };
}
