/**
 * Crash-safe file writes: temp file in the target's directory, fsync, rename, fsync the
 * directory. A run killed at any instant leaves either the old file or the new one, plus at
 * worst a `.tmp-*` file that verify ignores and gc sweeps.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, copyFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { sha256File } from './hash-file.js';

export const TMP_PREFIX = '.tmp-';

export function tempPathFor(target: string): string {
  return join(dirname(target), `${TMP_PREFIX}${basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; some filesystems refuse it, which is harmless.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* not supported here */
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(target));
}

/**
 * Copy a file into place atomically (the copy is fsynced before the rename). With `digest`, the
 * copy is hashed first and never put in place when it does not match: a corrupt object in the
 * cache must not reach a user's folder.
 */
export async function copyFileAtomic(source: string, target: string, digest?: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    await copyFile(source, tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (digest !== undefined && (await sha256File(tmp)) !== digest) {
      throw new Error(`the copy of ${source} for ${target} does not hash to ${digest}`);
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(target));
}
