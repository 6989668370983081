/**
 * Where a pipeline's cache and results live: its project root, the nearest folder up from the
 * pipeline file that holds a marker (as git and DVC find theirs), so that running the same
 * pipeline from any working directory uses one cache and one results/ folder. A leaf module:
 * the CLI and programs using the library share it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What marks a project root, nearest first wins; `.layerfuse` (a file or a folder) is layerfuse's own. */
export const ROOT_MARKERS = ['.layerfuse', '.git', 'package.json'] as const;

export interface ProjectRoot {
  dir: string;
  /** The marker found there, or undefined when none was found up to the filesystem root (the start folder is used). */
  marker: (typeof ROOT_MARKERS)[number] | undefined;
}

/** The nearest folder at or above `start` holding a marker; `start` itself when there is none. */
export function findProjectRoot(start: string): ProjectRoot {
  const from = resolve(start);
  for (let dir = from; ; dir = dirname(dir)) {
    const marker = ROOT_MARKERS.find((m) => existsSync(join(dir, m)));
    if (marker) return { dir, marker };
    if (dirname(dir) === dir) return { dir: from, marker: undefined };
  }
}

export interface Store {
  cacheDir: string;
  resultsDir: string;
  root: ProjectRoot;
  /** Why this cache: `--cache-dir`, `LAYERFUSE_CACHE_DIR` or the project root's `cache/`. */
  cacheFrom: 'flag' | 'env' | 'root';
  resultsFrom: 'flag' | 'env' | 'root';
}

export interface StoreRequest {
  /** The pipeline file (its project root); absent for commands without one (cache ls/verify/gc): the working directory's. */
  pipelineFile?: string;
  cacheDir?: string;
  resultsDir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** `--cache-dir` over `LAYERFUSE_CACHE_DIR` over `<root>/cache`; the same for results (`LAYERFUSE_RESULTS_DIR`, `<root>/results`). */
export function resolveStore(r: StoreRequest): Store {
  const env = r.env ?? process.env;
  const cwd = r.cwd ?? process.cwd();
  const root = findProjectRoot(r.pipelineFile ? dirname(resolve(cwd, r.pipelineFile)) : cwd);
  const pick = (flag: string | undefined, envName: string, sub: string): { dir: string; from: Store['cacheFrom'] } => {
    if (flag !== undefined && flag !== '') return { dir: resolve(cwd, flag), from: 'flag' };
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return { dir: resolve(cwd, fromEnv), from: 'env' };
    return { dir: join(root.dir, sub), from: 'root' };
  };
  const cache = pick(r.cacheDir, 'LAYERFUSE_CACHE_DIR', 'cache');
  const results = pick(r.resultsDir, 'LAYERFUSE_RESULTS_DIR', 'results');
  return { cacheDir: cache.dir, resultsDir: results.dir, root, cacheFrom: cache.from, resultsFrom: results.from };
}
