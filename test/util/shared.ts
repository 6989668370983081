/**
 * Locates ../shared (data and fixtures beside the checkout). Tests that need it skip with a
 * message when it is absent: `test('x', { skip: skipWithoutShared() }, ...)`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (dist/test/util -> root, or test/util -> root when run from source). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** Absolute path of ../shared, or undefined when it is absent (LAYERFUSE_SHARED overrides). */
export const sharedDir: string | undefined = (() => {
  const dir = process.env.LAYERFUSE_SHARED ?? resolve(repoRoot, '..', 'shared');
  return existsSync(join(dir, 'fixtures')) || existsSync(join(dir, 'data')) ? dir : undefined;
})();

export function sharedPath(...parts: string[]): string {
  if (!sharedDir) throw new Error('../shared is absent');
  return join(sharedDir, ...parts);
}

/** `false` when ../shared is present, else the skip message node:test prints. */
export function skipWithoutShared(): false | string {
  return sharedDir ? false : 'needs ../shared (data and fixtures beside the checkout), which is absent';
}
