/**
 * Opening a command's cache: `--cache-dir`, else `LAYERFUSE_CACHE_DIR`, else `cache/` in the
 * pipeline's project root (src/project-root.ts), so the same pipeline finds the same cache from
 * any working directory. A path that is a file, or a folder the user cannot write to, is a usage
 * problem to report once, up front (exit 2), not a crash with a stack or a failure blamed on the
 * first node that happens to touch the cache.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { FsCache } from '../executor/index.js';
import { resolveStore, type Store } from '../project-root.js';

export class CacheDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheDirError';
  }
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = { EACCES: 'permission denied', EPERM: 'not permitted', EROFS: 'read-only file system', ENOTDIR: 'a parent is not a folder', ENOSPC: 'no space left' };
  return code ? `${words[code] ?? (e as Error).message} (${code})` : (e as Error).message;
}

/**
 * `write`: the command stores results (run, run-node, gc), so the folder is created and a probe
 * file written; otherwise it only must not be something other than a folder (it may not exist yet).
 */
export async function openCache(dir: string, mode: 'read' | 'write'): Promise<FsCache> {
  const abs = resolve(dir);
  const st = await stat(abs).catch(() => undefined);
  if (st && !st.isDirectory()) throw new CacheDirError(`the cache ${abs} is not a folder (--cache-dir names the cache folder)`);
  if (mode === 'write') {
    const probe = join(abs, `.tmp-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(abs, { recursive: true });
      await writeFile(probe, '');
      await unlink(probe);
    } catch (e) {
      throw new CacheDirError(`cannot write to the cache ${abs}: ${why(e)}; pass --cache-dir DIR to use another folder`);
    }
  }
  return new FsCache(abs);
}

export interface StoreFlags {
  'cache-dir'?: string | undefined;
  'results-dir'?: string | undefined;
}

/** The command's store (cache and results folders) for `pipelineFile` (or the working directory), its cache opened. */
export async function openStore(pipelineFile: string | undefined, flags: StoreFlags, mode: 'read' | 'write'): Promise<{ cache: FsCache; store: Store }> {
  const store = resolveStore({ ...(pipelineFile !== undefined ? { pipelineFile } : {}), cacheDir: flags['cache-dir'], resultsDir: flags['results-dir'] });
  return { cache: await openCache(store.cacheDir, mode), store };
}

function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : r.startsWith('..') && r.split('/').filter((p) => p === '..').length > 2 ? path : r;
}

/**
 * The line `plan` and `run` print when the cache is not `cache/` of the working directory:
 * which one, and why (so a run from another folder says where its results come from).
 */
export function storeNotice(store: Store): string | undefined {
  if (store.cacheDir === resolve('cache')) return undefined;
  const why =
    store.cacheFrom === 'flag'
      ? '--cache-dir'
      : store.cacheFrom === 'env'
        ? 'LAYERFUSE_CACHE_DIR'
        : store.root.marker
          ? `the project root, marked by ${store.root.marker}`
          : "the pipeline's folder: no .layerfuse, .git or package.json above it";
  return `cache: ${shown(store.cacheDir)} (${why})`;
}
