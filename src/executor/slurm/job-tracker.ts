/**
 * Following submitted jobs: one squeue call per poll covers every job in flight (a cluster's
 * controller is shared, and one query per job per poll is what gets users asked to stop); a job
 * squeue shows in a final state, or no longer shows, is then asked about once (scontrol, else
 * sacct) for its exit code and reason. A failing squeue (controller restarting) is reported and
 * retried at the next poll: jobs keep running meanwhile. Only when it has failed for `giveUpMs`
 * on end do the jobs followed fail (their nodes with them), so a run cannot wait forever.
 */
import type { SlurmCli } from './slurm-cli.js';
import { JOB_STATES_DONE, type FinalState, type JobState } from './job-state.js';

interface Watch {
  resolve: (s: FinalState) => void;
  reject: (e: Error) => void;
  /** Last state seen, to report changes (PENDING -> RUNNING). */
  state?: JobState;
  onState?: (state: JobState) => void;
}

export class JobTracker {
  private readonly watched = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private failingSince = 0;

  constructor(
    private readonly cli: SlurmCli,
    private readonly pollMs: number,
    private readonly onWarning: (message: string) => void = () => undefined,
    private readonly giveUpMs = 15 * 60_000,
  ) {}

  /** Resolves once the job is in a final state (or Slurm has forgotten it: UNKNOWN). */
  wait(id: string, onState?: (state: JobState) => void): Promise<FinalState> {
    return new Promise((resolve, reject) => {
      this.watched.set(id, { resolve, reject, ...(onState ? { onState } : {}) });
      this.schedule();
    });
  }

  /** Ids being followed (submitted by this run and not yet seen finished). */
  get inFlight(): string[] {
    return [...this.watched.keys()];
  }

  private schedule(): void {
    if (this.timer || this.watched.size === 0) return;
    // A referenced timer: while a job is followed, the process must stay alive to see it end.
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
  }

  private async poll(): Promise<void> {
    const ids = [...this.watched.keys()];
    try {
      const states = await this.cli.queue(ids);
      if (this.failures > 0) this.onWarning(`squeue answers again after ${this.failures} failed poll${this.failures === 1 ? '' : 's'}`);
      this.failures = 0;
      for (const id of ids) {
        const w = this.watched.get(id);
        if (!w) continue;
        const state = states.get(id);
        if (state !== undefined && state !== w.state) {
          w.state = state;
          w.onState?.(state);
        }
        if (state !== undefined && !JOB_STATES_DONE.has(state)) continue;
        const final = (await this.cli.finalState(id).catch(() => undefined)) ?? (state ? { state, source: 'none' as const } : { state: 'UNKNOWN' as const, source: 'none' as const });
        // squeue saw it finish, scontrol may still say COMPLETING for a moment: ask again next poll.
        if (!JOB_STATES_DONE.has(final.state) && final.state !== 'UNKNOWN') continue;
        this.watched.delete(id);
        w.resolve(final);
      }
    } catch (e) {
      if (this.failures++ === 0) this.failingSince = Date.now();
      const why = (e as Error).message;
      if (Date.now() - this.failingSince >= this.giveUpMs) {
        const lost = new Error(`cannot follow Slurm jobs (${why}) for ${Math.round((Date.now() - this.failingSince) / 1000)} s; giving up on them`);
        for (const w of this.watched.values()) w.reject(lost);
        this.watched.clear();
      } else if (this.failures === 1 || this.failures % 20 === 0) {
        // Say so on the first failure and then now and then, not at every poll.
        this.onWarning(`cannot follow Slurm jobs (${why}); retrying`);
      }
    } finally {
      this.timer = undefined;
      this.schedule();
    }
  }

  /** Stop polling; jobs still followed are left to Slurm. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
