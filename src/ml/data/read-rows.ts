/**
 * Parsing user files into rows of named fields, keeping each row's line number for messages.
 * JSONL: one JSON object a line (blank lines skipped). CSV: RFC 4180 through `csv-parse`, the
 * first record is the header, which must name every column once; every record must have as
 * many fields as the header.
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

/**
 * The header must name each column once: csv-parse would keep the last of two `text` columns
 * silently, and give an unnamed column the name ''.
 */
function checkHeader(header: unknown[], file: string, line: number): string[] {
  const names = header.map((h) => String(h));
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name.trim() === '') throw new DataError(`${file}:${line}: column ${i + 1} of the header has no name; name every column`);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError(`${file}:${line}: column '${name}' appears twice in the header (columns ${first + 1} and ${i + 1}); rename one`);
    }
    seen.set(name, i);
  });
  return names;
}

export function parseCsv(text: string, file: string, opts: CsvOptions = {}): RawRow[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  // The header is the first non-empty line (empty lines are skipped).
  const leading = /^\uFEFF?(?:\r?\n)*/.exec(text)?.[0] ?? '';
  const headerLine = leading.split('\n').length;
  let headerError: DataError | undefined;
  try {
    records = parse(text, {
      columns: (header: unknown[]) => {
        try {
          return checkHeader(header, file, headerLine);
        } catch (e) {
          // Thrown from here, csv-parse would wrap it; rethrown below as it is.
          headerError = e as DataError;
          throw e;
        }
      },
      bom: true,
      skip_empty_lines: true,
      delimiter: opts.delimiter ?? ',',
      info: true,
    }) as unknown as typeof records;
  } catch (err) {
    if (headerError) throw headerError;
    const e = err as Error & { lines?: number };
    const where = typeof e.lines === 'number' ? `${file}:${e.lines}` : file;
    throw new DataError(`${where}: invalid CSV: ${e.message}`);
  }
  // info.lines is the line where the record ends; a record spanning lines starts earlier, but
  // single-line records (the common case) are reported exactly.
  return records.map((r) => ({ line: r.info.lines, fields: r.record }));
}
