/**
 * A dataset's display name for tables and figures: the manifest's `name` when the node that
 * made it gave one, else the folder holding its source file (`../data/agnews/data.jsonl` ->
 * `agnews`), else the file's base name without its extension.
 */
import { basename, dirname, extname } from 'node:path';
import type { DatasetManifest } from './manifest.js';

export function datasetName(m: DatasetManifest): string {
  const given = (m as DatasetManifest & { name?: unknown }).name;
  if (typeof given === 'string' && given !== '') return given;
  const path = m.source.path.replace(/\\/g, '/');
  const folder = basename(dirname(path));
  if (folder !== '' && folder !== '.' && folder !== '..') return folder;
  return basename(path, extname(path));
}
