/**
 * Loading + validating + expanding + resolving a generated ~2,000-node pipeline, against the
 * 2 s target for planning (issue 2). Two shapes:
 *  - design: the docs/design.md pipeline repeated per dataset (foreach, globs, many-inputs, ports
 *    typed), 15 nodes each, against the fake ML node types the DSL tests use;
 *  - shell: 2,000 `shell` nodes (a fan of chains with foreach) against the real schemas/.
 * Prints the first (cold: fresh process, schemas read and compiled) and the median warm time of
 * each, beside yaml's own parse of the same text as the in-run reference (the floor; the
 * machine's load moves both alike).
 * Run: npm run build && node dist/bench/plan-2000.js [--nodes 2000] [--print]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { clearSchemaCache, loadPipeline } from '../src/dsl/index.js';
import { fakeSchemasDir } from '../test/util/dsl-schemas.js';

const TARGET_S = 2;

/** The design pipeline per dataset: 15 nodes per dataset. */
export function designPipeline(nodes: number): string {
  const datasets = Math.ceil(nodes / 15);
  const out = ['version: 1', 'name: plan-bench', 'params:', '  seed: 42', '  layers: 6', 'nodes:'];
  for (let k = 0; k < datasets; k++) {
    out.push(
      `  data_${k}:`, '    uses: dataset/spam-assassin', '    with:', `      task: task-${k}`, '      seed: ${params.seed}',
      `  base_${k}:`, '    uses: model/train', '    with:', `      data: \${data_${k}}`, '      layers: ${params.layers}', '      epochs: 2',
      `  signals_${k}:`, '    uses: signals/capture', '    with:', `      model: \${base_${k}}`, `      data: \${data_${k}}`,
      `  score_${k}:`, '    foreach: [weight-entropy, task-relevance-mi, attention-entropy]', '    uses: score/${item}', '    with:', `      signals: \${signals_${k}}`,
      `  random_${k}:`, '    uses: score/random', '    with:', `      model: \${base_${k}}`, '      seed: ${params.seed}',
      `  ablation_${k}:`, '    uses: prune/ablation', '    with:', `      model: \${base_${k}}`, `      data: \${data_${k}}`,
      `  fuse_${k}:`, '    uses: fuse/random-forest', '    with:', `      scores: \${score_${k}.*}`, `      target: \${ablation_${k}}`,
      `  curve_${k}:`, `    foreach: ["\${score_${k}.*}", "\${random_${k}}", "\${fuse_${k}}"]`, '    uses: prune/sequential', '    with:',
      `      model: \${base_${k}}`, `      data: \${data_${k}}`, '      order: ${item}',
      `  report_${k}:`, '    uses: report/paper', '    with:', `      curves: \${curve_${k}.*}`,
    );
  }
  return out.join('\n') + '\n';
}

/** `shell` nodes: 50 sources, each fanned out by a foreach of 19 items, and one summary per source. */
export function shellPipeline(nodes: number): string {
  const sources = Math.ceil(nodes / 40);
  const items = Array.from({ length: 19 }, (_, i) => `part-${i}`);
  const out = ['version: 1', 'name: plan-bench-shell', 'params:', '  n: 3', 'nodes:'];
  for (let k = 0; k < sources; k++) {
    out.push(
      `  src_${k}:`, '    uses: shell', '    with:', `      run: "seq \${params.n} > out/src-${k}.txt"`, `      outputs: [out/src-${k}.txt]`,
      `  step_${k}:`, `    foreach: [${items.join(', ')}]`, '    uses: shell', '    with:',
      `      run: "cat out/src-${k}.txt > out/${k}-\${item}.txt"`, `      outputs: ["out/${k}-\${item}.txt"]`, `      after: ["\${src_${k}}"]`,
      `  more_${k}:`, `    foreach: [${items.join(', ')}]`, '    uses: shell', '    with:',
      `      run: "wc -l out/${k}-\${item}.txt"`, `      data: ["\${step_${k}.\${item}}"]`,
      `  sum_${k}:`, '    uses: shell', '    with:', `      run: "cat out/${k}-*.txt"`, `      data: \${more_${k}.*}`,
    );
  }
  return out.join('\n') + '\n';
}

/** The floor any implementation pays: yaml's own parse of the same text (median of reps, after one warmup). */
function yamlFloor(text: string, reps: number): number {
  parseDocument(text);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    parseDocument(text);
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function timeLoad(name: string, text: string, schemasDir: string | undefined, reps: number): Promise<void> {
  clearSchemaCache();
  const times: number[] = [];
  const cpus: number[] = [];
  let size = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await loadPipeline(`${name}.yaml`, { text, schemasDir });
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpus.push((c.user + c.system) / 1e6);
    if (!r.graph) throw new Error(`${name}: ${r.diagnostics.slice(0, 3).map((d) => d.message).join('; ')}`);
    size = r.graph.nodes.size;
  }
  const cold = times[0]!;
  const median = (xs: number[]): number => xs.slice(1).sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? xs[0]!;
  const warm = median(times);
  const floor = yamlFloor(text, reps);
  const verdict = cold < TARGET_S ? 'ok' : 'OVER';
  console.log(
    `${name.padEnd(6)} ${String(size).padStart(5)} nodes  ${(text.length / 1024).toFixed(0).padStart(4)} KiB  ` +
      `cold ${cold.toFixed(3)} s (cpu ${cpus[0]!.toFixed(3)})  warm ${warm.toFixed(3)} s (cpu ${median(cpus).toFixed(3)})  ` +
      `(yaml parse alone ${floor.toFixed(3)} s: warm load = ${(warm / floor).toFixed(1)}x)  target cold < ${TARGET_S} s: ${verdict}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { nodes: { type: 'string', default: '2000' }, print: { type: 'boolean' }, reps: { type: 'string', default: '5' }, shape: { type: 'string' } },
  });
  const n = Number(values.nodes);
  if (values.print) {
    process.stdout.write(designPipeline(n));
    return;
  }
  if (values.shape === 'design') return timeLoad('design', designPipeline(n), fakeSchemasDir(), Number(values.reps));
  if (values.shape === 'shell') return timeLoad('shell', shellPipeline(n), undefined, Number(values.reps));
  console.log(`loadPipeline (parse, schema checks, expansion, references, topological order) of ~${n} nodes; each shape in a fresh process`);
  for (const shape of ['design', 'shell']) {
    // A fresh process per shape, so that "cold" is what one `layerfuse plan` pays.
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--shape', shape, '--nodes', String(n), '--reps', values.reps!], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
