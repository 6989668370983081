/**
 * `layerfuse plan PIPELINE`: a dry run. Every node as `cached` or `run` with the reason (`new`,
 * `params changed: with.lr`, `input changed: base`, `type version changed`, `forced`, `not
 * cacheable`, `upstream runs: ...`), diffed against the lock file of the last run.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PlanError } from '../../executor/errors.js';
import { FsCache } from '../../executor/fs-cache.js';
import { planPipeline, type PlanEntry } from '../../executor/planner.js';
import { writeErr, writeOut } from '../output.js';
import { loadOrReport } from '../pipeline-load.js';

const USAGE = `usage: layerfuse plan PIPELINE [--set key=value]... [--only ID]... [--force ID]... [--cache-dir DIR] [--json]

Print every node as "cached" or "run" with the reason, without running anything.
`;

export function planText(entries: PlanEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.id.length));
  const lines = entries.map((e) => `${e.action.padEnd(7)}${e.id.padEnd(width)}  ${e.reasons.join('; ')}`.trimEnd());
  const runs = entries.filter((e) => e.action === 'run').length;
  lines.push('', `${entries.length - runs} cached, ${runs} to run`);
  return lines.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true },
        only: { type: 'string', multiple: true },
        force: { type: 'string', multiple: true },
        'cache-dir': { type: 'string', default: 'cache' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    writeErr(`layerfuse plan: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    writeOut(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) {
    writeErr(`layerfuse plan: expected one PIPELINE\n\n${USAGE}`);
    return 2;
  }
  const graph = await loadOrReport(args.positionals[0] as string, args.values.set ?? []);
  if (!graph) return 2;
  try {
    const entries = await planPipeline(graph, {
      cache: new FsCache(resolve(args.values['cache-dir'])),
      only: args.values.only ?? [],
      force: args.values.force ?? [],
    });
    if (args.values.json) {
      const out = entries.map((e) => ({ id: e.id, type: e.type, action: e.action, reasons: e.reasons, ...(e.key ? { key: e.key } : {}) }));
      writeOut(JSON.stringify(out, null, 2) + '\n');
    } else writeOut(planText(entries));
    return 0;
  } catch (e) {
    if (e instanceof PlanError) {
      writeErr(`layerfuse plan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
