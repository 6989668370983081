/**
 * The Slurm runner: each node the executor hands over becomes one batch job running the
 * executor's worker entry on the planned job (job-script.ts) against the same cache, which must
 * sit on a filesystem the compute nodes share, at the same path (as must the pipeline's folder,
 * its data, and layerfuse itself).
 *
 * Per node, `<cache>/slurm/<node>.<key12>/` holds job.json, one job-<attempt>.sh per
 * submission and Slurm's output, slurm-<jobid>.out: the log every failure message points at.
 * The job writes the index record itself (temp file + rename, so a job killed mid-write leaves
 * no half entry); the runner reads it back once Slurm says the job completed.
 *
 * Devices come from Slurm: `gpu: N` is `--gres=gpu:N`, and Slurm sets CUDA_VISIBLE_DEVICES in
 * the job. The submission environment drops the coordinator's own CUDA_VISIBLE_DEVICES and
 * SLURM_* job variables (a run started inside an allocation must not hand that allocation's
 * devices or ids to its jobs); SLURM_CONF stays.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RetryGrowth, SlurmProfile } from '../../dsl/slurm-profile.js';
import type { ResolvedNode } from '../../dsl/types.js';
import type { Cache, IndexRecord } from '../cache.js';
import { RunnerCancelled, RunnerError, type NodeRunner, type RunRequest } from '../runner.js';
import { WORKER_ENTRY } from '../worker-client.js';
import { WORKER_ERROR_PREFIX } from '../worker-protocol.js';
import { describeFinalState, type FinalState, type JobState } from './job-state.js';
import { jobScript, shellQuote } from './job-script.js';
import { JobTracker } from './job-tracker.js';
import { describeGrowth, foreignResources, requestOptions, slurmRequest } from './request.js';
import { SlurmCli } from './slurm-cli.js';

export interface SlurmRunnerOptions {
  cache: Cache;
  profile: SlurmProfile;
  /** Shell words that start Node.js in a job (the profile's `node` wins); default this Node.js. */
  node?: string;
  pipelineFile: string;
  pipelineName: string;
  /** Environment sbatch runs with, and so the jobs' (default process.env). */
  env?: NodeJS.ProcessEnv;
  cli?: SlurmCli;
  /** A node's own `retry:` growth, when it sets one (else the profile's). */
  retryOf?: (node: ResolvedNode) => Partial<RetryGrowth> | undefined;
  /** Trouble that concerns the run, not one node (squeue not answering). */
  onWarning?: (message: string) => void;
}

/** Waits this long for Slurm to confirm the jobs it was asked to cancel, so the run ends clean. */
const CANCEL_WAIT_MS = 60_000;

export function submissionEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k === 'CUDA_VISIBLE_DEVICES' || (k.startsWith('SLURM_') && k !== 'SLURM_CONF')) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The words of a job's output worth quoting in the failure: the worker's own error (its line and
 * the indented lines under it, without the `node ID: ` the message already starts with), else
 * the last lines (what Slurm or the shell said).
 */
export function failureText(log: string, nodeId?: string): string {
  const lines = log.split('\n').map((l) => l.trimEnd());
  // The first such line: the worker prints its error before anything it says while exiting.
  const at = lines.findIndex((l) => l.startsWith(WORKER_ERROR_PREFIX));
  if (at >= 0) {
    const own = [lines[at]!.slice(WORKER_ERROR_PREFIX.length)];
    for (const l of lines.slice(at + 1)) {
      if (!/^\s/.test(l) || l.trim() === '') break;
      own.push(l);
    }
    const text = own.join('\n');
    const prefix = nodeId === undefined ? '' : `node ${nodeId}: `;
    return prefix && text.startsWith(prefix) ? text.slice(prefix.length) : text;
  }
  const tail = lines.filter((l) => l.trim() !== '' && !l.startsWith('# layerfuse:')).slice(-5);
  return tail.length > 0 ? `last output:\n  ${tail.join('\n  ')}` : 'no output';
}

export class SlurmRunner implements NodeRunner {
  readonly name = 'slurm';
  readonly defaultRetries: number;
  /** Jobs ran on other machines: their output files are restored from the cache here. */
  readonly outputsInPlace = false;
  readonly sharesCores = false;
  private readonly cli: SlurmCli;
  private readonly tracker: JobTracker;
  private readonly env: Record<string, string>;
  /** Job ids this run submitted and has not seen finish: what Ctrl-C cancels. */
  private readonly live = new Set<string>();
  private exitHook: (() => void) | undefined;

  constructor(private readonly o: SlurmRunnerOptions) {
    this.cli = o.cli ?? new SlurmCli();
    this.tracker = new JobTracker(this.cli, o.profile.pollMs, o.onWarning);
    this.env = submissionEnv(o.env ?? process.env);
    this.defaultRetries = o.profile.retries;
  }

  preflight(nodes: readonly ResolvedNode[]): string[] {
    const problems: string[] = [];
    if (this.o.cache.dir === undefined) problems.push('the Slurm executor needs a cache on disk, on a filesystem the compute nodes share (--cache-dir)');
    for (const n of nodes) {
      const foreign = foreignResources(n.resources);
      if (foreign.length > 0) problems.push(`node ${n.id}: resource ${foreign.map((f) => `\`${f}\``).join(', ')} has no Slurm meaning (Slurm takes gpu, cpus, mem and time)`);
    }
    return problems;
  }

  async run(req: RunRequest): Promise<IndexRecord> {
    const { job, node } = req;
    const dir = join(this.o.cache.dir as string, 'slurm', `${job.nodeId}.${job.key.slice(0, 12)}`);
    await mkdir(dir, { recursive: true });
    const jobFile = join(dir, 'job.json');
    const recordEnv = { slurmJobId: 'SLURM_JOB_ID', slurmLog: 'LAYERFUSE_SLURM_LOG', cudaVisibleDevices: 'CUDA_VISIBLE_DEVICES' };
    await writeFile(jobFile, JSON.stringify({ ...job, recordEnv }, null, 2));
    const growth: RetryGrowth = { ...this.o.profile.retry, ...(this.o.retryOf?.(node) ?? {}) };
    const request = slurmRequest(node.resources, this.o.profile, req.attempt, growth);
    if (req.attempt > 0) {
      const grown = describeGrowth(slurmRequest(node.resources, this.o.profile, req.attempt - 1, growth), request);
      req.onWarning?.(`resubmitting (attempt ${req.attempt + 1} of ${req.attempts})${grown ? ` with ${grown}` : ''}`);
    }
    const output = join(dir, 'slurm-%j.out');
    const script = join(dir, `job-${req.attempt + 1}.sh`);
    await writeFile(
      script,
      jobScript({
        job,
        pipelineFile: this.o.pipelineFile,
        jobName: `layerfuse:${this.o.pipelineName}:${job.nodeId}`,
        output,
        options: requestOptions(request, this.o.profile),
        node: this.o.profile.node ?? this.o.node ?? shellQuote(process.execPath),
        entry: WORKER_ENTRY,
        jobFile,
        cacheDir: this.o.cache.dir as string,
        ...(this.o.profile.setup !== undefined ? { setup: this.o.profile.setup } : {}),
        attempt: req.attempt,
        attempts: req.attempts,
      }),
      { mode: 0o755 },
    );
    if (req.signal.aborted || req.stopNew.aborted) throw new RunnerCancelled('the run stopped before this node was submitted');
    let id: string;
    try {
      id = await this.cli.submit(script, this.env);
    } catch (e) {
      throw new RunnerError(`node ${job.nodeId}: could not submit ${script}: ${(e as Error).message}`, undefined, false);
    }
    const log = output.replace(/%j/g, id);
    this.track(id);
    req.onRunning?.({ detail: `Slurm job ${id}` });

    let state: JobState | undefined;
    let withdrawn = false;
    const cancel = (): void => void this.cli.cancel([id]).catch(() => undefined);
    const withdraw = (): void => {
      // Not started yet: under `no-new` it must not start. Started: it finishes.
      if (state === undefined || state === 'PENDING') {
        withdrawn = true;
        cancel();
      }
    };
    req.signal.addEventListener('abort', cancel, { once: true });
    req.stopNew.addEventListener('abort', withdraw, { once: true });
    let final: FinalState;
    try {
      final = await this.tracker.wait(id, (s) => {
        state = s;
        req.onProgress?.({ done: 0, total: 0, message: `Slurm job ${id} ${s.toLowerCase()}` });
      });
    } catch (e) {
      // Slurm stopped answering for good: the job's fate is unknown; do not leave it running.
      cancel();
      throw new RunnerError(`node ${job.nodeId}: Slurm job ${id}: ${(e as Error).message}`, log, false);
    } finally {
      req.signal.removeEventListener('abort', cancel);
      req.stopNew.removeEventListener('abort', withdraw);
      this.untrack(id);
    }
    return this.outcome(req, id, log, final, withdrawn);
  }

  private async outcome(req: RunRequest, id: string, log: string, final: FinalState, withdrawn: boolean): Promise<IndexRecord> {
    const { job } = req;
    const where = `Slurm job ${id}`;
    if (final.state === 'COMPLETED' || final.state === 'UNKNOWN') {
      const hit = await this.o.cache.get(job.key);
      if (hit) {
        // What the node warned about on the compute node (a local worker streams these).
        const warnings = hit.record.runs.at(-1)?.facts.warnings;
        if (Array.isArray(warnings)) for (const w of warnings) if (typeof w === 'string') req.onWarning?.(w);
        return hit.record;
      }
      if (final.state === 'COMPLETED') {
        throw new RunnerError(
          `node ${job.nodeId}: ${where} completed but ${this.o.cache.description} has no record for its key: ` +
            'is the cache on a filesystem the compute nodes share, at the same path?',
          log,
        );
      }
    }
    if (req.signal.aborted) throw new RunnerCancelled(`node ${job.nodeId}: ${where} cancelled`, log);
    if (withdrawn && final.state === 'CANCELLED') throw new RunnerCancelled(`node ${job.nodeId}: ${where} withdrawn before it started`, log);
    const text = await readFile(log, 'utf8').then((t) => failureText(t, job.nodeId), () => 'its log is missing (is the cache on a filesystem the compute nodes share?)');
    throw new RunnerError(`node ${job.nodeId}: ${where} ${describeFinalState(final)}: ${text}`, log);
  }

  /** Remember a live job, and cancel every live job if the process exits before they end. */
  private track(id: string): void {
    this.live.add(id);
    if (this.exitHook) return;
    // A second Ctrl-C exits at once (process.exit): scancel synchronously on the way out.
    this.exitHook = () => {
      if (this.live.size === 0) return;
      try {
        execFileSync('scancel', [...this.live], { stdio: 'ignore', timeout: 10_000 });
      } catch {
        /* nothing more can be done while exiting */
      }
    };
    process.on('exit', this.exitHook);
  }

  private untrack(id: string): void {
    this.live.delete(id);
  }

  /** Cancel this run's jobs still live (Ctrl-C, or a run ending early), and wait for Slurm to confirm. */
  async close(): Promise<void> {
    const ids = [...this.live];
    if (ids.length > 0) {
      await this.cli.cancel(ids).catch(() => undefined);
      const deadline = Date.now() + CANCEL_WAIT_MS;
      while (this.live.size > 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
    }
    this.tracker.close();
    if (this.exitHook) process.removeListener('exit', this.exitHook);
    this.exitHook = undefined;
  }
}
