/**
 * A no-op rerun of 200 cached shell nodes, through the real CLI (process start, pipeline load,
 * 200 keys with their input files hashed, 200 cache hits with outputs checked): target < 3 s.
 * The cold run that fills the cache is printed as the reference.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, timeCli, verdict } from './exec-util.js';

const N = 200;
const TARGET_S = 3;

const dir = benchDir('noop');
try {
  const items = Array.from({ length: N }, (_, i) => `      - n${String(i).padStart(3, '0')}`).join('\n');
  writeFileSync(join(dir, 'input.txt'), 'shared input\n');
  writeFileSync(
    join(dir, 'wide.yaml'),
    `version: 1
name: wide
nodes:
  step:
    foreach:
${items}
    uses: shell
    with:
      run: mkdir -p out && cat input.txt > out/\${item}.txt
      inputs: [input.txt]
      outputs: ["out/\${item}.txt"]
`,
  );
  const cold = timeCli(dir, ['run', 'wide.yaml']);
  const warm = timeCli(dir, ['run', 'wide.yaml']);
  console.log(`no-op rerun, ${N} cached shell nodes: ${warm.toFixed(2)} s (target < ${TARGET_S} s) ${verdict(warm < TARGET_S)}; cold run for reference: ${cold.toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
