/**
 * Keeping writes and deletions inside a folder (the pipeline's, or results/): a user path is
 * checked lexically (normalised, relative, not the folder itself or above it) and on disk (no
 * component on the way is a symbolic link that leads out of the folder). Used at validate time
 * (the shell node's static check), and again right before a write or a deletion, since links may
 * appear after validation. A leaf module: the shell node and the executor share it.
 */
import { lstat, readlink, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { NodeError } from './artifacts/errors.js';

/** A write or deletion refused for leaving its folder; printed like a node's own error (no stack). */
export class PathEscapeError extends NodeError {}

/** True when `path` is strictly below `dir` (both absolute and normalised). */
export function isInside(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r !== '' && r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r);
}

/**
 * A path as written in a pipeline, normalised to a relative POSIX path inside the folder, or why
 * it is not one. `allowRoot`: the folder itself (`.`) is acceptable (a `cwd`), never for a path
 * that is written or deleted.
 */
export function confinedRelative(path: string, opts: { allowRoot?: boolean } = {}): { rel: string } | { why: string } {
  const slashed = path.replace(/\\/g, '/');
  if (isAbsolute(path) || slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return { why: 'must be relative to the pipeline folder, not absolute' };
  const rel = posix.normalize(slashed === '' ? '.' : slashed).replace(/\/+$/, '') || '.';
  if (rel === '..' || rel.startsWith('../')) return { why: `leads out of the pipeline folder (it normalises to '${rel}')` };
  if (rel === '.' && !opts.allowRoot) return { why: path.trim() === '' ? 'is empty: it would name the pipeline folder itself' : 'names the pipeline folder itself' };
  return { rel };
}

/**
 * The first existing component of `rel` (below `root`) that is a symbolic link resolving out of
 * `root`, described for a message; undefined when there is none. Components that do not exist
 * yet are fine (they will be created as real folders). `throughLast`: also check the last
 * component (for a path that is read or written through; a path that is only removed may be a
 * link itself, since removing a link never touches its target).
 */
export async function linkEscape(root: string, rel: string, throughLast = true): Promise<string | undefined> {
  const realRoot = await realpath(root).catch(() => resolve(root));
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (!throughLast) parts.pop();
  let cur = realRoot;
  let shown = '';
  for (const part of parts) {
    const next = join(cur, part);
    shown = shown ? `${shown}/${part}` : part;
    const st = await lstat(next).catch(() => undefined);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) {
      cur = next;
      continue;
    }
    // A dangling link still says where a write would go: follow its text.
    const target = await realpath(next).catch(async () => resolve(dirname(next), await readlink(next)));
    if (target !== realRoot && !isInside(realRoot, target)) return `'${shown}' is a symbolic link to ${target}, outside ${realRoot}`;
    cur = target;
  }
  return undefined;
}

/**
 * Throws unless writing `target` (absolute) stays inside `root`: the target is below it and no
 * existing folder on the way is a link that leaves it. The target itself may be a link: files
 * are renamed into place, which replaces a link rather than writing through it.
 */
export async function assertWritable(root: string, target: string, who: string): Promise<void> {
  const abs = resolve(target);
  if (!isInside(resolve(root), abs)) throw new PathEscapeError(`${who}: refusing to write ${abs}: it is not inside ${resolve(root)}`);
  const escape = await linkEscape(root, relative(resolve(root), abs).split(sep).join('/'), false);
  if (escape) throw new PathEscapeError(`${who}: refusing to write ${abs}: ${escape}`);
}

/**
 * Remove `rel` (file or folder) below `root`, refusing a path that is the folder itself, above
 * it, or reached through a link that leaves it. A link itself is removed, never its target.
 */
export async function removeConfined(root: string, rel: string, who: string): Promise<void> {
  const c = confinedRelative(rel);
  if ('why' in c) throw new PathEscapeError(`${who}: refusing to remove '${rel}': it ${c.why}`);
  const abs = resolve(root, c.rel);
  if (!isInside(resolve(root), abs)) throw new PathEscapeError(`${who}: refusing to remove ${abs}: it is not inside ${resolve(root)}`);
  const escape = await linkEscape(root, c.rel, false);
  if (escape) throw new PathEscapeError(`${who}: refusing to remove '${c.rel}': ${escape}`);
  await rm(abs, { recursive: true, force: true });
}
