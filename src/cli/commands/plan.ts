/**
 * `layerfuse plan PIPELINE`: a dry run. Every node as `cached` or `run` with the reason (`new`,
 * `params changed: with.lr`, `input changed: base`, `type version changed`, `forced`, `not
 * cacheable`, `upstream runs: ...`), diffed against the lock file of the last run.
 */
import { planPipeline, type PlanEntry } from '../../executor/index.js';
import { openStore, storeNotice } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, SET_OPTION } from '../command.js';
import { writeErr, writeOut } from '../output.js';
import { loadGraph } from '../pipeline-load.js';

const USAGE = `usage: layerfuse plan PIPELINE [--set key=value]... [--only ID]... [--force ID]... [--cache-dir DIR] [--json]

Print every node as "cached" or "run" with the reason, without running anything.
`;

export function planText(entries: PlanEntry[]): string {
  const width = entries.reduce((w, e) => Math.max(w, e.id.length), 0);
  const lines = entries.map((e) => `${e.action.padEnd(7)}${e.id.padEnd(width)}  ${e.reasons.join('; ')}`.trimEnd());
  const runs = entries.filter((e) => e.action === 'run').length;
  lines.push('', `${entries.length - runs} cached, ${runs} to run`);
  return lines.join('\n') + '\n';
}

export function run(argv: string[]): Promise<number> {
  return runCommand('plan', USAGE, async () => {
    const { values, positionals } = parseCommand(
      argv,
      { ...SET_OPTION, ...CACHE_DIR_OPTION, only: { type: 'string', multiple: true }, force: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
      { min: 1, max: 1, what: 'one PIPELINE' },
    );
    const graph = await loadGraph(positionals[0]!, values.set ?? []);
    const { cache, store } = await openStore(graph.file, values, 'read');
    const notice = storeNotice(store);
    if (notice) writeErr(notice + '\n');
    const entries = await planPipeline(graph, { cache, only: values.only ?? [], force: values.force ?? [] });
    if (values.json) {
      const out = entries.map((e) => ({ id: e.id, type: e.type, action: e.action, reasons: e.reasons, ...(e.key ? { key: e.key } : {}) }));
      writeOut(JSON.stringify(out, null, 2) + '\n');
    } else writeOut(planText(entries));
    return 0;
  });
}
