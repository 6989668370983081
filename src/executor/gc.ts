/**
 * `cache gc`: keep the index entries the named pipelines' lock files reference and those used
 * (touched on a hit) in the last N days, the memo entries used in the last N days, and every
 * object those reference; delete the rest. Objects and temp files younger than a short grace
 * period are kept whatever references them: a run in progress may not have indexed them yet.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TMP_PREFIX } from './atomic-write.js';
import { referencedObjects, type FsCache } from './fs-cache.js';
import { parseIndexRecord, parseMemoEntry } from './records.js';
import { collectObjectDigests } from './refs.js';

export const GC_GRACE_MS = 5 * 60 * 1000;

export interface GcOptions {
  /** Index keys to keep (from lock files). */
  keepKeys: ReadonlySet<string>;
  /** Keep entries used within this many days; undefined keeps only `keepKeys`. */
  keepDays?: number;
  dryRun: boolean;
  now?: number;
}

export interface GcReport {
  keptEntries: number;
  removedEntries: number;
  removedMemos: number;
  keptObjects: number;
  /** Of the kept objects, those kept only for being younger than the grace period. */
  youngObjects: number;
  removedObjects: number;
  removedBytes: number;
  removedTemp: number;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Add the objects a kept entry references to `live`; a malformed entry (verify reports it) protects nothing. */
async function protect(path: string, digestsOf: (text: string) => Iterable<string>, live: Set<string>): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return; // gone meanwhile
  }
  for (const d of digestsOf(text)) live.add(d);
}

function indexDigests(key: string): (text: string) => Iterable<string> {
  return (text) => {
    const parsed = parseIndexRecord(text, key);
    return 'ok' in parsed ? referencedObjects(parsed.ok) : [];
  };
}

function memoDigests(text: string): Iterable<string> {
  const parsed = parseMemoEntry(text);
  return 'ok' in parsed ? collectObjectDigests(parsed.ok.value) : [];
}

export async function gcCache(cache: FsCache, o: GcOptions): Promise<GcReport> {
  const now = o.now ?? Date.now();
  const cutoff = o.keepDays === undefined ? Number.POSITIVE_INFINITY : now - o.keepDays * 86_400_000;
  const report: GcReport = { keptEntries: 0, removedEntries: 0, removedMemos: 0, keptObjects: 0, youngObjects: 0, removedObjects: 0, removedBytes: 0, removedTemp: 0 };
  const live = new Set<string>();
  const remove = async (path: string): Promise<void> => {
    if (!o.dryRun) await rm(path, { recursive: true, force: true });
  };

  const indexDir = join(cache.dir, 'index');
  for (const key of await entries(indexDir)) {
    const path = join(indexDir, key);
    // A running run renames and removes temp files all the time: one gone meanwhile is skipped.
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    if (key.startsWith(TMP_PREFIX)) {
      if (st.mtimeMs < now - GC_GRACE_MS) {
        report.removedTemp++;
        await remove(path);
      }
      continue;
    }
    if (o.keepKeys.has(key) || st.mtimeMs >= cutoff) {
      report.keptEntries++;
      await protect(path, indexDigests(key), live);
    } else {
      report.removedEntries++;
      await remove(path);
    }
  }

  const memoDir = join(cache.dir, 'memo');
  for (const name of await entries(memoDir)) {
    const path = join(memoDir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    if (st.mtimeMs >= cutoff || (name.startsWith(TMP_PREFIX) && st.mtimeMs >= now - GC_GRACE_MS)) {
      await protect(path, memoDigests, live);
    } else {
      report.removedMemos++;
      await remove(path);
    }
  }

  const objectsDir = join(cache.dir, 'objects');
  for (const prefix of await entries(objectsDir)) {
    const prefixPath = join(objectsDir, prefix);
    const names = prefix.startsWith(TMP_PREFIX) ? [''] : await entries(prefixPath);
    for (const rest of names) {
      const path = rest === '' ? prefixPath : join(prefixPath, rest);
      const st = await stat(path).catch(() => undefined);
      if (!st) continue;
      const young = st.mtimeMs >= now - GC_GRACE_MS;
      if (rest === '' || rest.startsWith(TMP_PREFIX)) {
        if (!young) {
          report.removedTemp++;
          await remove(path);
        }
        continue;
      }
      if (live.has(prefix + rest) || young) {
        report.keptObjects++;
        if (!live.has(prefix + rest)) report.youngObjects++;
      }
      else {
        report.removedObjects++;
        report.removedBytes += st.size;
        await remove(path);
      }
    }
  }

  // Scratch dirs and logs of runs long gone, Slurm job folders (scripts and job output), and
  // corrupt objects kept aside for inspection.
  for (const sub of ['tmp', 'logs', 'slurm', 'corrupt']) {
    for (const name of await entries(join(cache.dir, sub))) {
      const path = join(cache.dir, sub, name);
      const st = await stat(path).catch(() => undefined);
      if (st && st.mtimeMs < Math.min(cutoff, now - 86_400_000)) {
        report.removedTemp++;
        await remove(path);
      }
    }
  }
  return report;
}
