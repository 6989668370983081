/**
 * The Slurm commands layerfuse uses, through execa, and the parsing of what they print:
 * `sbatch --parsable` (submit), `squeue -t all` (states of many jobs in one call), `scontrol
 * show job -o` (a finished job's state, exit code and reason) and `sacct` (the same, for a job
 * slurmctld has already forgotten, where accounting is on), `scancel`.
 *
 * Without accounting storage (no slurmdbd) sacct has nothing, and slurmctld forgets a finished
 * job after MinJobAge (300 s by default): jobs are followed by polling squeue, and a finished
 * job is asked about at once, well inside that window.
 */
import type { FinalState, JobState } from './job-state.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Exec = (file: string, args: readonly string[], env?: Record<string, string>) => Promise<CommandResult>;

/**
 * Runs a command without throwing on a non-zero exit; a missing command is exit 127. It runs
 * in `/`: a job's folder is its script's --chdir, and a coordinator whose own folder was
 * deleted under it must still reach Slurm.
 */
export const execaRun: Exec = async (file, args, env) => {
  const { execa } = await import('execa');
  const r = await execa(file, args, { reject: false, stdin: 'ignore', cwd: '/', ...(env ? { env, extendEnv: false } : {}) });
  const missing = (r as { code?: string }).code === 'ENOENT';
  return { exitCode: missing ? 127 : (r.exitCode ?? 1), stdout: String(r.stdout ?? ''), stderr: missing ? `${file}: command not found` : String(r.stderr ?? '') };
};

/** What a submission or a command that must work failed with, in Slurm's words. */
export class SlurmCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmCommandError';
  }
}

/** Errors worth another try: the controller is busy or restarting, or a limit will clear. */
const TRANSIENT = /socket timed out|temporarily unavailable|unable to contact slurm controller|try again|connection refused|slurm_persist_conn/i;

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

export class SlurmCli {
  constructor(
    private readonly exec: Exec = execaRun,
    /** Waits between sbatch attempts on a transient error. */
    private readonly backoffMs: readonly number[] = [2000, 5000, 10000],
  ) {}

  /** `sbatch --parsable SCRIPT`: the job id. The script carries its options as #SBATCH lines. */
  async submit(script: string, env: Record<string, string>): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.exec('sbatch', ['--parsable', script], env);
      if (r.exitCode === 0) {
        // `--parsable` prints `id` or `id;cluster`.
        const id = firstLine(r.stdout).split(';')[0] ?? '';
        if (/^\d+(_\d+)?$/.test(id)) return id;
        throw new SlurmCommandError(`sbatch printed no job id: ${JSON.stringify(r.stdout.trim())}`);
      }
      const why = r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`;
      const wait = this.backoffMs[attempt];
      if (wait === undefined || !TRANSIENT.test(why)) throw new SlurmCommandError(r.exitCode === 127 ? 'sbatch not found: is Slurm installed on this machine?' : why.replace(/^sbatch: error: /gm, 'sbatch: '));
      await new Promise((done) => setTimeout(done, wait));
    }
  }

  /** States of the jobs squeue still knows (finished ones too, for MinJobAge); others are absent. */
  async queue(ids: readonly string[]): Promise<Map<string, JobState>> {
    const out = new Map<string, JobState>();
    if (ids.length === 0) return out;
    const r = await this.exec('squeue', ['-h', '-t', 'all', '-j', ids.join(','), '-o', '%i %T']);
    if (r.exitCode !== 0) {
      // Every id unknown is an error to squeue, and simply "none of them" to us.
      if (/invalid job id/i.test(r.stderr)) return out;
      throw new SlurmCommandError(`squeue: ${firstLine(r.stderr) || `exit code ${r.exitCode}`}`);
    }
    return parseQueue(r.stdout);
  }

  /** A job's final facts: from slurmctld (scontrol), else from accounting (sacct), else undefined. */
  async finalState(id: string): Promise<FinalState | undefined> {
    const shown = await this.exec('scontrol', ['show', 'job', '-o', id]);
    if (shown.exitCode === 0) {
      const s = parseScontrolJob(shown.stdout);
      if (s) return s;
    }
    const acct = await this.exec('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'State,ExitCode,Reason']);
    if (acct.exitCode === 0) return parseSacct(acct.stdout);
    return undefined;
  }

  /** `scancel ID...`; jobs already gone are no error. */
  async cancel(ids: readonly string[], signal?: string): Promise<void> {
    if (ids.length === 0) return;
    await this.exec('scancel', [...(signal ? [`--signal=${signal}`, '--full'] : []), ...ids]);
  }
}

export function parseQueue(text: string): Map<string, JobState> {
  const out = new Map<string, JobState>();
  for (const line of text.split('\n')) {
    const [id, state] = line.trim().split(/\s+/);
    if (id && state) out.set(id, state.toUpperCase() as JobState);
  }
  return out;
}

/** `ExitCode=3:0` is exit status 3, no signal; `0:9` killed by signal 9. */
function exitParts(text: string | undefined): { exitCode?: number; signal?: number } {
  const m = /^(\d+):(\d+)$/.exec(text ?? '');
  if (!m) return {};
  return { exitCode: Number(m[1]), signal: Number(m[2]) };
}

/** One `scontrol show job -o` line: `Key=Value` fields separated by spaces. */
export function parseScontrolJob(text: string): FinalState | undefined {
  const fields = new Map<string, string>();
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
  const state = fields.get('JobState');
  if (!state) return undefined;
  const reason = fields.get('Reason');
  const stdout = fields.get('StdOut');
  return {
    state: state.toUpperCase() as JobState,
    ...exitParts(fields.get('ExitCode')),
    ...(reason && reason !== 'None' ? { reason } : {}),
    ...(stdout ? { stdout } : {}),
    source: 'scontrol',
  };
}

/** `sacct -n -P -X -o State,ExitCode,Reason`: `CANCELLED by 0|0:15|None`. */
export function parseSacct(text: string): FinalState | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (!line) return undefined;
  const [state, exit, reason] = line.split('|');
  const word = (state ?? '').trim().split(/\s+/)[0]?.toUpperCase();
  if (!word) return undefined;
  return { state: word as JobState, ...exitParts(exit?.trim()), ...(reason && reason !== 'None' ? { reason } : {}), source: 'sacct' };
}
