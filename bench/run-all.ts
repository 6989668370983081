/**
 * `npm run bench`: run every bench script compiled beside this one (dist/bench/*.js), one at a
 * time, each in its own process so that none warms another's caches. Each prints its figures
 * next to its target.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const helpers = new Set(['exec-util.js']);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== self && !helpers.has(f) && !f.endsWith('-util.js'))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.log(`== ${script}`);
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`   ${script} exited ${String(r.status ?? r.signal)}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
