/**
 * The installed package's root (the folder holding package.json), found from this module's own
 * location so that it is right from dist/, from any build output folder, and from node_modules.
 * A leaf module: every layer may import it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`layerfuse: package root not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const packageRoot: string = findRoot();

/** The CLI entry compiled next to this module (`<out>/src/cli/main.js`), for worker subprocesses. */
export const cliMainPath: string = join(dirname(fileURLToPath(import.meta.url)), 'cli', 'main.js');
