/**
 * Declared input files: paths or simple globs (`*`, `?`, `**`) relative to the pipeline dir,
 * expanded and hashed by content for a node's key. Paths stay as written (relative), so the key
 * does not depend on where the checkout lives. A small matcher written here on purpose: Node 20
 * has no stable glob API, and these globs need nothing beyond the three wildcards.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { NodeError } from '../artifacts/index.js';
import { sha256File } from './hash-file.js';

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches any number of directories (including none); a trailing `**` anything.
        if (pattern[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Symbolic links are followed (a Hugging Face hub snapshot is a folder of links into blobs/);
 * `seen` holds the real paths of folders already walked, so a link cycle ends.
 */
async function walk(root: string, rel: string, out: string[], seen = new Set<string>()): Promise<void> {
  let entries;
  try {
    const real = await realpath(join(root, rel));
    if (seen.has(real)) return;
    seen.add(real);
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const st = await stat(join(root, child)).catch(() => undefined);
      isDir = st?.isDirectory() ?? false;
      isFile = st?.isFile() ?? false;
    }
    if (isDir) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      await walk(root, child, out, seen);
    } else if (isFile) out.push(child);
  }
}

/** Expand one pattern to relative file paths (sorted). The literal prefix bounds the walk. */
export async function expandPattern(baseDir: string, pattern: string): Promise<string[]> {
  const norm = posix.normalize(pattern.replace(/\\/g, '/'));
  if (!isGlob(norm)) return [norm];
  const parts = norm.split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (isGlob(p)) break;
    fixed.push(p);
  }
  const prefix = fixed.join('/');
  const found: string[] = [];
  await walk(resolve(baseDir, prefix || '.'), '', found);
  const re = globToRegExp(norm);
  return found
    .map((f) => (prefix ? `${prefix}/${f}` : f))
    .filter((f) => re.test(f))
    .sort();
}

/**
 * Relative path -> sha256 of its content, for every file the patterns name. A missing plain
 * path, a directory, or a glob matching nothing is a NodeError naming the node and the path.
 */
export async function hashInputFiles(nodeId: string, baseDir: string, patterns: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const pattern of patterns) {
    const files = await expandPattern(baseDir, pattern);
    if (files.length === 0) throw new NodeError(`node ${nodeId}: input pattern '${pattern}' matches no file in ${baseDir}`);
    for (const rel of files) {
      const abs = resolve(baseDir, rel);
      let st;
      try {
        st = await stat(abs);
      } catch {
        throw new NodeError(`node ${nodeId}: input file '${rel}' does not exist (looked in ${baseDir})`);
      }
      if (!st.isFile()) throw new NodeError(`node ${nodeId}: input '${rel}' is not a file${st.isDirectory() ? ` (to hash a folder, write '${rel}/**')` : ''}`);
      out[rel] = await sha256File(abs);
    }
  }
  return out;
}
