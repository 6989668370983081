/**
 * `cache verify`: rehash every object, check every index and memo entry (shape, and that
 * output manifests and memoized values still match their digests: records.ts), and check that
 * every object they reference exists. It only reports; a run puts corrupt entries aside itself.
 * Leftover temp files from a killed run are not problems (they were never renamed into place)
 * and are only counted.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TMP_PREFIX } from './atomic-write.js';
import { referencedObjects, type FsCache } from './fs-cache.js';
import { parseIndexRecord, parseMemoEntry } from './records.js';
import { sha256File } from './hash-file.js';
import { collectObjectDigests } from './refs.js';

export interface VerifyReport {
  objects: number;
  entries: number;
  memos: number;
  leftovers: number;
  problems: string[];
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

export async function verifyCache(cache: FsCache): Promise<VerifyReport> {
  const report: VerifyReport = { objects: 0, entries: 0, memos: 0, leftovers: 0, problems: [] };
  const objectsDir = join(cache.dir, 'objects');
  for (const prefix of await list(objectsDir)) {
    if (prefix.startsWith(TMP_PREFIX)) {
      report.leftovers++;
      continue;
    }
    for (const rest of await list(join(objectsDir, prefix))) {
      if (rest.startsWith(TMP_PREFIX)) {
        report.leftovers++;
        continue;
      }
      const digest = prefix + rest;
      const path = join(objectsDir, prefix, rest);
      report.objects++;
      if (!/^[0-9a-f]{64}$/.test(digest)) {
        report.problems.push(`object ${path}: not named by a sha256 digest`);
        continue;
      }
      const actual = await sha256File(path);
      if (actual !== digest) report.problems.push(`object ${digest}: content hashes to ${actual} (corrupted)`);
    }
  }
  for (const key of await list(join(cache.dir, 'index'))) {
    if (key.startsWith(TMP_PREFIX)) {
      report.leftovers++;
      continue;
    }
    report.entries++;
    let text: string;
    try {
      text = await readFile(join(cache.dir, 'index', key), 'utf8');
    } catch (e) {
      report.problems.push(`index ${key}: unreadable (${(e as Error).message})`);
      continue;
    }
    const parsed = parseIndexRecord(text, key);
    if (!('ok' in parsed)) {
      report.problems.push(`index ${key}: ${parsed.problem} (a run moves it to corrupt/ and runs its node again)`);
      continue;
    }
    const record = parsed.ok;
    for (const d of referencedObjects(record)) {
      if (!(await cache.hasObject(d))) report.problems.push(`index ${key} (node ${record.node}): object ${d} is missing`);
    }
  }
  for (const name of await list(join(cache.dir, 'memo'))) {
    if (name.startsWith(TMP_PREFIX)) {
      report.leftovers++;
      continue;
    }
    report.memos++;
    let text: string;
    try {
      text = await readFile(join(cache.dir, 'memo', name), 'utf8');
    } catch (e) {
      report.problems.push(`memo ${name}: unreadable (${(e as Error).message})`);
      continue;
    }
    const parsed = parseMemoEntry(text);
    if (!('ok' in parsed)) {
      report.problems.push(`memo ${name}: ${parsed.problem} (a run moves it to corrupt/ and computes it again)`);
      continue;
    }
    for (const d of collectObjectDigests(parsed.ok.value)) {
      if (!(await cache.hasObject(d))) report.problems.push(`memo ${name}: object ${d} is missing`);
    }
  }
  return report;
}
