/** Reading a user's JSONL or CSV file into labelled examples, with errors naming the file. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { badUtf8Message, decodeUtf8 } from '../../artifacts/utf8.js';
import { DataError } from './errors.js';
import { examplesFromRows, type ColumnMapping, type LabelledData } from './examples.js';
import { parseCsv, parseJsonl } from './read-rows.js';

export type DataFormat = 'jsonl' | 'csv';

export interface LoadedFile extends LabelledData {
  /** sha256 (hex) of the file's bytes. */
  digest: string;
}

/**
 * @param absPath where to read
 * @param shownPath how messages name the file (the path as the user wrote it)
 */
export async function loadLabelledFile(
  absPath: string,
  shownPath: string,
  format: DataFormat,
  mapping: ColumnMapping,
  csv: { delimiter?: string } = {},
): Promise<LoadedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${shownPath}: no such file (looked for ${absPath})`);
    if (code === 'EISDIR') throw new DataError(`${shownPath}: is a directory, expected a ${format.toUpperCase()} file`);
    throw new DataError(`${shownPath}: cannot read: ${(err as Error).message}`);
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) throw new DataError(badUtf8Message(shownPath, decoded.bad));
  const text = decoded.text;
  if (text.trim() === '') throw new DataError(`${shownPath}: the file is empty`);
  const rows = format === 'jsonl' ? parseJsonl(text, shownPath) : parseCsv(text, shownPath, csv);
  const data = examplesFromRows(rows, shownPath, mapping);
  return { ...data, digest: createHash('sha256').update(bytes).digest('hex') };
}
