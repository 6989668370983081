/**
 * `layerfuse run PIPELINE`: run what changed. Exit 0 when every node is cached or succeeded,
 * 1 when a node failed (a summary names each, its error and its log file), 2 for an invalid
 * pipeline or usage, 130 when interrupted (workers stopped, locks released, cache consistent).
 * With `--executor slurm` the nodes run as Slurm batch jobs and this process coordinates them.
 */
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { runPipeline, type RunOptions, type RunSummary } from '../../executor/index.js';
import { openStore, storeNotice } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, RESULTS_DIR_OPTION, runCommand, SET_OPTION, UsageError } from '../command.js';
import { INFERENCE_OPTIONS, INFERENCE_USAGE, inferenceFlags } from '../inference-options.js';
import { writeErr } from '../output.js';
import { loadGraph } from '../pipeline-load.js';
import { nodeMessage, progressLogger } from '../progress.js';
import { EXECUTORS, slurmRunner, type ExecutorName } from '../slurm-options.js';

const USAGE = `usage: layerfuse run PIPELINE [options]

  --set key=value     override a pipeline param (repeatable; the value is a YAML scalar)
  -j, --jobs N        nodes run at once (default: ${availableParallelism()}, the number of cores)
  --only ID           run only this node (or group) and what it needs (repeatable)
  --force ID          rerun this node (or group) even when cached (repeatable)
  --keep-going        after a failure, run everything not downstream of it
  --cache-dir DIR     the cache (default: $LAYERFUSE_CACHE_DIR, else cache/ in the project root: the
                      nearest folder up from PIPELINE with a .layerfuse, .git or package.json)
  --results-dir DIR   where published outputs go (default: $LAYERFUSE_RESULTS_DIR, else results/
                      in the project root)
  --backend B         auto | tensorflow-gpu | webgpu | tensorflow | wasm | cpu (default: auto)
${INFERENCE_USAGE}
  --no-reuse-workers  start a fresh worker process for every tensor node (default: a worker is
                      kept for the next one; also LAYERFUSE_REUSE_WORKERS=0)
  --executor E        local (this machine) | slurm (each node a batch job); default the
                      pipeline's \`executor:\`, else local
  --profile FILE      the Slurm profile (default: ~/.config/layerfuse/slurm.yaml when present)
  --max-jobs N        Slurm jobs in flight at once (default: the profile's max_jobs, else 100)

Exit: 0 done, 1 a node failed, 2 invalid pipeline or usage, 130 interrupted.
`;

export const BACKENDS = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

function rel(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') ? path : r;
}

/**
 * The end-of-run summary. A published folder whose manifest names a main file (a report's HTML
 * page) is named by that file; on a terminal (`tty`) its summary lines follow, indented.
 */
export function summaryText(s: RunSummary, ms: number, tty = false): string {
  const c = s.counts;
  const parts = [`${c.succeeded} ran`, `${c.cached} cached`];
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  const lines = [`${s.interrupted ? 'interrupted' : s.ok ? 'done' : 'failed'}: ${parts.join(', ')} in ${(ms / 1000).toFixed(1)} s`];
  if (s.lockFileError) lines.push(`warning: ${s.lockFileError}`);
  for (const f of s.failures) {
    lines.push('', `failed: ${f.id}`);
    for (const l of nodeMessage(f.id, f.message ?? '').split('\n')) lines.push(`  ${l}`);
    if (f.logFile) lines.push(`  log: ${rel(f.logFile)}`);
  }
  if (s.warnings.length > 0) {
    lines.push('', 'warnings:');
    for (const w of s.warnings) lines.push(`  ${w.node}: ${w.message.split('\n').join('\n    ')}`);
  }
  const published = [...s.nodes.values()].filter((r) => r.resultsDir && (r.status === 'cached' || r.status === 'succeeded'));
  if (published.length > 0) {
    lines.push('', 'results:');
    for (const r of published) {
      lines.push(r.resultsMain ? `  ${rel(r.resultsMain)}` : `  ${rel(r.resultsDir as string)}/`);
      if (tty && r.resultsSummary) for (const l of r.resultsSummary) lines.push(`    ${l}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function run(argv: string[]): Promise<number> {
  return runCommand('run', USAGE, async () => {
    const { values: v, positionals } = parseCommand(
      argv,
      {
        ...SET_OPTION,
        ...CACHE_DIR_OPTION,
        ...RESULTS_DIR_OPTION,
        jobs: { type: 'string', short: 'j' },
        only: { type: 'string', multiple: true },
        force: { type: 'string', multiple: true },
        'keep-going': { type: 'boolean', default: false },
        backend: { type: 'string', default: 'auto' },
        executor: { type: 'string' },
        profile: { type: 'string' },
        'max-jobs': { type: 'string' },
        'no-reuse-workers': { type: 'boolean', default: false },
        ...INFERENCE_OPTIONS,
      },
      { min: 1, max: 1, what: 'one PIPELINE' },
    );
    const jobs = v.jobs === undefined ? availableParallelism() : Number(v.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`-j takes a positive integer, got '${v.jobs}'`);
    if (!(BACKENDS as readonly string[]).includes(v.backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${v.backend}'`);
    const inference = inferenceFlags(v);
    if (v.executor !== undefined && !(EXECUTORS as readonly string[]).includes(v.executor)) throw new UsageError(`--executor must be one of ${EXECUTORS.join(', ')}, got '${v.executor}'`);
    const graph = await loadGraph(positionals[0]!, v.set ?? []);
    const executor: ExecutorName = (v.executor as ExecutorName | undefined) ?? graph.executor ?? 'local';
    if (executor === 'local' && (v.profile !== undefined || v['max-jobs'] !== undefined)) throw new UsageError('--profile and --max-jobs are for --executor slurm');
    if (executor === 'slurm' && v['no-reuse-workers']) throw new UsageError('--no-reuse-workers is for the local executor (each Slurm job is its own process)');
    if (executor === 'slurm' && v.jobs !== undefined) throw new UsageError('-j bounds the nodes run on this machine; with --executor slurm, --max-jobs bounds the jobs in flight');
    const { cache, store } = await openStore(graph.file, v, 'write');
    const notice = storeNotice(store);
    if (notice) writeErr(notice + '\n');
    const logger = progressLogger();
    const options: RunOptions = {
      cache,
      resultsDir: store.resultsDir,
      jobs,
      only: v.only ?? [],
      force: v.force ?? [],
      policy: v['keep-going'] ? 'continue' : 'no-new',
      backend: v.backend,
      ...inference,
      logger,
      // Absent, the executor reads LAYERFUSE_REUSE_WORKERS.
      ...(v['no-reuse-workers'] ? { reuseWorkers: false } : {}),
    };
    if (executor === 'slurm') {
      const slurm = await slurmRunner(graph, cache, v, logger);
      options.runner = slurm.runner;
      options.jobs = slurm.maxJobs;
    }
    return runWithSignals((signal) => runPipeline(graph, { ...options, signal }));
  });
}

/** Run with Ctrl-C (and SIGTERM) wired to a clean stop; prints the summary; returns the exit code. */
export async function runWithSignals(start: (signal: AbortSignal) => Promise<RunSummary>): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      writeErr('\ninterrupted: stopping running nodes (Ctrl-C again to exit at once)\n');
      controller.abort(new Error('interrupted'));
    } else process.exit(130); // locks still held are removed by the exit hook
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  try {
    const summary = await start(controller.signal);
    writeErr(summaryText(summary, Date.now() - started, process.stderr.isTTY === true));
    if (summary.interrupted) return 130;
    return summary.ok ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
