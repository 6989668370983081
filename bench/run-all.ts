/**
 * `npm run bench`: run the bench scripts compiled beside this one (dist/bench/*.js), one at a
 * time, each in its own process so that none warms another's caches, then print a summary table.
 *
 *   node dist/bench/run-all.js                 every bench (the ML ones take minutes)
 *   node dist/bench/run-all.js --quick         the engine benches only (seconds): plan, no-op rerun, -j
 *   node dist/bench/run-all.js noop-rerun ...  the named benches
 *   node dist/bench/run-all.js --list          the names
 *
 * A bench prints its figures next to its target and says `ok` or `MISSED`; the table repeats
 * that verdict, the exit status and the wall time.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The benches of the pipeline engine: no tensor backend, seconds each. */
export const ENGINE_BENCHES = ['plan-2000', 'noop-rerun', 'parallel'];

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url), '.js');

export function benchNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js') && !f.endsWith('-util.js'))
    .map((f) => f.slice(0, -3))
    .filter((n) => n !== self)
    .sort();
}

/** `ok`, `MISSED` (any figure missed its target) or `-` when the bench states no verdict. */
export function verdictOf(output: string): string {
  if (/\b(MISSED|OVER)\b/.test(output)) return 'MISSED';
  return /\bok\b/.test(output) ? 'ok' : '-';
}

interface Row {
  name: string;
  status: string;
  seconds: number;
  verdict: string;
}

export function summaryTable(rows: Row[]): string {
  const head = ['bench', 'exit', 'wall s', 'verdict'];
  const cells = rows.map((r) => [r.name, r.status, r.seconds.toFixed(1), r.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean' }, list: { type: 'boolean' } } });
  const all = benchNames(here);
  if (values.list) {
    process.stdout.write(all.map((n) => `${n}${ENGINE_BENCHES.includes(n) ? '  (engine, --quick)' : ''}\n`).join(''));
    return;
  }
  const unknown = positionals.filter((n) => !all.includes(n.replace(/\.js$/, '')));
  if (unknown.length > 0) {
    process.stderr.write(`run-all: no bench ${unknown.join(', ')} (benches: ${all.join(', ')})\n`);
    process.exitCode = 2;
    return;
  }
  const chosen = positionals.length > 0 ? positionals.map((n) => n.replace(/\.js$/, '')) : values.quick ? ENGINE_BENCHES : all;
  const rows: Row[] = [];
  for (const name of chosen) {
    process.stdout.write(`== ${name}\n`);
    const t0 = process.hrtime.bigint();
    // stdout is read for the verdict and passed on; stderr goes straight to the terminal.
    const r = spawnSync(process.execPath, [join(here, `${name}.js`)], { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(r.stdout ?? '');
    const status = r.status === null ? String(r.signal) : String(r.status);
    rows.push({ name, status, seconds, verdict: r.status === 0 ? verdictOf(r.stdout ?? '') : 'failed' });
  }
  process.stdout.write(`\n${summaryTable(rows)}`);
  process.exitCode = rows.some((r) => r.status !== '0') ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
