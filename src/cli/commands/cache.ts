/**
 * `layerfuse cache ls | verify | gc`: look after the content-addressed cache.
 *   ls      one line per index entry: key, node, type, size of its objects, last used
 *   verify  rehash every object, check every entry's references; exit 1 listing what is wrong
 *   gc      delete what neither the named pipelines' lock files nor recent use keep
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GC_GRACE_MS, gcCache, lockFilePath, parseIndexRecord, readPipelineLock, referencedObjects, verifyCache, type FsCache } from '../../executor/index.js';
import { openStore } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, UsageError } from '../command.js';
import { writeErr, writeOut } from '../output.js';

const USAGE = `usage: layerfuse cache ls|verify|gc [--cache-dir DIR]

The cache: --cache-dir, else $LAYERFUSE_CACHE_DIR, else cache/ in the project root of the
current directory (the nearest folder up with a .layerfuse, .git or package.json).

  ls                      list cached node results
  verify                  rehash every object and check every entry's references (exit 1 on a problem)
  gc [--keep PIPELINE]... [--keep-days N] [--dry-run]
                          delete entries that no named pipeline's lock file references and that
                          were not used in the last N days, then every object nothing references
`;

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

async function ls(cache: FsCache): Promise<number> {
  let keys: string[] = [];
  try {
    keys = (await readdir(join(cache.dir, 'index'))).filter((k) => /^[0-9a-f]{64}$/.test(k));
  } catch {
    /* empty cache */
  }
  const rows: Array<{ node: string; line: string }> = [];
  const sizes = new Map<string, number>();
  for (const key of keys) {
    const path = join(cache.dir, 'index', key);
    const parsed = parseIndexRecord(await readFile(path, 'utf8').catch((e: Error) => `(${e.message})`), key);
    if (!('ok' in parsed)) {
      rows.push({ node: '?', line: `${key.slice(0, 12)}  (corrupt entry: ${parsed.problem}; \`cache verify\` lists it, a run replaces it)` });
      continue;
    }
    const record = parsed.ok;
    let size = 0;
    for (const d of referencedObjects(record)) {
      let s = sizes.get(d);
      if (s === undefined) {
        s = (await stat(cache.objectPath(d)).catch(() => undefined))?.size ?? 0;
        sizes.set(d, s);
      }
      size += s;
    }
    const used = (await stat(path)).mtime.toISOString().replace('T', ' ').slice(0, 16);
    rows.push({ node: record.node, line: `${key.slice(0, 12)}  ${record.node.padEnd(28)} ${record.components.type.padEnd(22)} ${humanBytes(size).padStart(9)}  ${used}` });
  }
  rows.sort((a, b) => a.node.localeCompare(b.node));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  writeOut(rows.map((r) => r.line).join('\n') + (rows.length ? '\n' : '') + `${rows.length} entries, ${sizes.size} objects, ${humanBytes(total)} in ${cache.dir}\n`);
  return 0;
}

async function verify(cache: FsCache): Promise<number> {
  const r = await verifyCache(cache);
  const leftovers = r.leftovers ? `, ${r.leftovers} leftover temp file${r.leftovers === 1 ? '' : 's'} (harmless; gc removes them)` : '';
  if (r.problems.length === 0) {
    writeOut(`ok: ${r.objects} objects, ${r.entries} entries, ${r.memos} memo values${leftovers}\n`);
    return 0;
  }
  writeErr(r.problems.map((p) => `error: ${p}`).join('\n') + `\n${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${cache.dir}\n`);
  return 1;
}

interface GcFlags {
  keep?: string[];
  'keep-days'?: string;
  'dry-run': boolean;
}

async function gc(cache: FsCache, flags: GcFlags): Promise<number> {
  const keepPipelines = flags.keep ?? [];
  const daysText = flags['keep-days'];
  if (keepPipelines.length === 0 && daysText === undefined) throw new UsageError('say what to keep: --keep PIPELINE (repeatable) and/or --keep-days N');
  const days = daysText === undefined ? undefined : Number(daysText);
  if (days !== undefined && (!Number.isFinite(days) || days < 0)) throw new UsageError(`--keep-days takes a number >= 0, got '${daysText}'`);
  const keepKeys = new Set<string>();
  for (const p of keepPipelines) {
    const lockPath = lockFilePath(resolve(p));
    const lock = await readPipelineLock(lockPath);
    if (!lock) {
      const exists = await stat(resolve(p)).then(() => true, () => false);
      throw new UsageError(exists ? `${p} has no lock file (${lockPath}): run it first, or drop --keep ${p}` : `--keep ${p}: no such pipeline file`);
    }
    for (const n of Object.values(lock.nodes)) keepKeys.add(n.key);
  }
  const r = await gcCache(cache, { keepKeys, ...(days !== undefined ? { keepDays: days } : {}), dryRun: flags['dry-run'] });
  const verb = flags['dry-run'] ? 'would remove' : 'removed';
  writeOut(
    `${verb} ${r.removedEntries} entries, ${r.removedMemos} memo values, ${r.removedObjects} objects (${humanBytes(r.removedBytes)}), ${r.removedTemp} temp files; kept ${r.keptEntries} entries, ${r.keptObjects} objects` +
      (r.youngObjects > 0 ? ` (${r.youngObjects} unreferenced but younger than ${GC_GRACE_MS / 60_000} minutes: a run may not have indexed them yet)` : '') +
      '\n',
  );
  return 0;
}

export function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    writeOut(USAGE);
    return Promise.resolve(sub === undefined ? 2 : 0);
  }
  return runCommand(`cache ${sub}`, USAGE, async () => {
    const none = { min: 0, max: 0, what: 'no arguments' };
    switch (sub) {
      case 'ls': {
        const { values } = parseCommand(rest, CACHE_DIR_OPTION, none);
        return ls((await openStore(undefined, values, 'read')).cache);
      }
      case 'verify': {
        const { values } = parseCommand(rest, CACHE_DIR_OPTION, none);
        return verify((await openStore(undefined, values, 'read')).cache);
      }
      case 'gc': {
        const { values } = parseCommand(
          rest,
          { ...CACHE_DIR_OPTION, keep: { type: 'string', multiple: true }, 'keep-days': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
          none,
        );
        return gc((await openStore(undefined, values, values['dry-run'] ? 'read' : 'write')).cache, values);
      }
      default:
        throw new UsageError(`unknown subcommand '${sub}' (ls, verify or gc)`, true);
    }
  });
}
