/**
 * `layerfuse run --executor slurm`: the Slurm profile (`--profile FILE`, else the user's
 * ~/.config/layerfuse/slurm.yaml, else defaults; its problems printed with their positions),
 * and the runner that submits the run's nodes as batch jobs, at most `--max-jobs` in flight.
 */
import { formatDiagnostics, loadSlurmProfile, type PipelineGraph } from '../dsl/index.js';
import { SlurmRunner, type Cache, type Logger } from '../executor/index.js';
import { AlreadyReported, UsageError } from './command.js';
import { writeErr } from './output.js';

export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export interface SlurmFlags {
  profile?: string;
  'max-jobs'?: string;
}

export async function slurmRunner(graph: PipelineGraph, cache: Cache, flags: SlurmFlags, logger: Logger): Promise<{ runner: SlurmRunner; maxJobs: number }> {
  let maxJobs: number | undefined;
  if (flags['max-jobs'] !== undefined) {
    maxJobs = Number(flags['max-jobs']);
    if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new UsageError(`--max-jobs takes a positive integer, got '${flags['max-jobs']}'`);
  }
  const loaded = await loadSlurmProfile(flags.profile);
  if (loaded.diagnostics.length > 0) writeErr(formatDiagnostics(loaded.diagnostics, loaded.sources));
  if (!loaded.profile) throw new AlreadyReported();
  const profile = loaded.profile;
  const runner = new SlurmRunner({
    cache,
    profile,
    pipelineFile: graph.file,
    pipelineName: graph.name,
    retryOf: (node) => node.retry,
    onWarning: (message) => logger.onEvent({ kind: 'warning', node: 'slurm', message }),
  });
  return { runner, maxJobs: maxJobs ?? profile.maxJobs };
}
