/**
 * Parsing user files into rows of named fields, keeping each row's line number for messages.
 * JSONL: one JSON object a line (blank lines skipped). CSV: RFC 4180 through `csv-parse`, the
 * first record is the header.
 */
import { parse } from 'csv-parse/sync';
import { DataError } from './errors.js';

export interface RawRow {
  /** 1-based line of the row in its file (the first line of a multi-line CSV record). */
  line: number;
  fields: Record<string, unknown>;
}

export function parseJsonl(text: string, file: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(i === 0 ? raw.replace(/^\uFEFF/, '') : raw);
    } catch (err) {
      throw new DataError(`${file}:${i + 1}: invalid JSON: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataError(`${file}:${i + 1}: expected a JSON object per line, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    rows.push({ line: i + 1, fields: value as Record<string, unknown> });
  }
  return rows;
}

export interface CsvOptions {
  delimiter?: string;
}

export function parseCsv(text: string, file: string, opts: CsvOptions = {}): RawRow[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      delimiter: opts.delimiter ?? ',',
      info: true,
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    const where = typeof e.lines === 'number' ? `${file}:${e.lines}` : file;
    throw new DataError(`${where}: invalid CSV: ${e.message}`);
  }
  // info.lines is the line where the record ends; a record spanning lines starts earlier, but
  // single-line records (the common case) are reported exactly.
  return records.map((r) => ({ line: r.info.lines, fields: r.record }));
}
