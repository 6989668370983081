/**
 * `-j 2` on two independent 2 s shell nodes: target about 2 s (they overlap), not 4 s. The same
 * pipeline at `-j 1` on a fresh cache is timed in the same run as the reference. Times include
 * the CLI's start. (The commands differ: two identical nodes would share one key, and the second
 * would just wait for the first's result.)
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, timeCli, verdict } from './exec-util.js';

const dir = benchDir('parallel');
try {
  writeFileSync(
    join(dir, 'two.yaml'),
    `version: 1
name: two
nodes:
  left:
    uses: shell
    with:
      run: sleep 2 && echo left
  right:
    uses: shell
    with:
      run: sleep 2 && echo right
`,
  );
  const j2 = timeCli(dir, ['run', 'two.yaml', '-j', '2', '--cache-dir', 'cache-j2']);
  const j1 = timeCli(dir, ['run', 'two.yaml', '-j', '1', '--cache-dir', 'cache-j1']);
  console.log(`two independent 2 s nodes: -j 2 ${j2.toFixed(2)} s (target about 2 s, not 4 s) ${verdict(j2 < 3)}; -j 1 for reference: ${j1.toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
