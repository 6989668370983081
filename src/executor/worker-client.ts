/**
 * One local worker subprocess, the parent's end of the protocol (worker-protocol.ts):
 * `node worker-entry.js --serve --cache-dir D --owner PID`, in its own process group so that
 * stopping it (Ctrl-C, the `kill` policy) also stops whatever it started, serving jobs one at a
 * time. The parent holds each job's key lock; the worker writes the index record itself. The
 * worker's stdout and stderr go into the running job's live log, split between jobs at the
 * marks the worker writes after each (worker-output.ts).
 *
 * Started with node:child_process rather than execa (which one-shot commands use): a pooled
 * worker outlives its jobs, and while idle it must not hold this process open (its handle, IPC
 * channel and pipes are unref'd until the next job), which execa's promise per process hides.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Progress } from '../artifacts/types.js';
import type { Cache, IndexRecord } from './cache.js';
import type { Job } from './job.js';
import { terminateGroup } from '../process-group.js';
import { JobOutputSplitter } from './worker-output.js';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

/** The worker's entry script, compiled next to this module (works from any build output folder). */
export const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.js', import.meta.url));

/** Grace between SIGTERM and SIGKILL when stopping a worker's process group. */
const KILL_GRACE_MS = 3000;
/** How long a job's output may trail its outcome message before the worker is given up on. */
const MARK_WAIT_MS = 2000;
/** How long a worker told to shut down may take before its group is stopped. */
const SHUTDOWN_GRACE_MS = 5000;

export interface WorkerJobOptions {
  cache: Cache;
  signal: AbortSignal;
  /** Further jobs may follow in this process (see ParentMessage). */
  retain: boolean;
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  /** The worker process (its pid, for every job it runs), and any process the node started inside it. */
  onSpawn?: (pid: number) => void;
  onWarning?: (message: string) => void;
}

type Reply = Extract<WorkerMessage, { kind: 'result' | 'error' }>;

interface Running {
  job: Job;
  o: WorkerJobOptions;
  /** The last lines of its output, for the message when the worker dies. */
  tail: string[];
  reply?: Reply;
  /** End marks seen, of the two streams. */
  marks: number;
  finished: () => void;
}

export interface WorkerSpawn {
  cacheDir: string;
  env: Record<string, string>;
  cwd: string;
}

interface Refable {
  ref?(): void;
  unref?(): void;
}

export class WorkerProcess {
  readonly pid: number | undefined;
  /** Jobs given to this process so far. */
  jobs = 0;
  /** Resident memory after its last job, in bytes, as the worker reported it. */
  rss = 0;
  /** A job's output could not be told apart from what follows (no end mark came): do not reuse. */
  tainted = false;
  private readonly child: ChildProcess;
  private readonly ready: Promise<boolean>;
  private readonly closed: Promise<void>;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private running: Running | undefined;
  /** The log that output between jobs goes to: the last job's (it is most likely its leftover). */
  private lastLog: string | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private killed = false;

  constructor(s: WorkerSpawn) {
    // --owner: the worker dies when this process does (worker-watchdog.ts).
    this.child = spawn(process.execPath, [WORKER_ENTRY, '--serve', '--cache-dir', s.cacheDir, '--owner', String(process.pid)], {
      env: s.env,
      cwd: s.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.pid = this.child.pid;
    let up!: (ok: boolean) => void;
    this.ready = new Promise((resolve) => (up = resolve));
    this.closed = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal };
        if (this.killTimer) clearTimeout(this.killTimer);
        up(false);
        this.running?.finished();
        resolve();
      });
    });
    // A spawn failure (no such executable, EAGAIN) also ends in 'close'.
    this.child.on('error', () => undefined);
    this.child.on('message', (raw) => {
      const m = raw as WorkerMessage;
      if (m.kind === 'ready') return up(true);
      const r = this.running;
      if (!r) return;
      if (m.kind === 'progress') r.o.onProgress?.(m.progress);
      else if (m.kind === 'log') r.o.onLog?.(m.line);
      else if (m.kind === 'spawned') r.o.onSpawn?.(m.pid);
      else if (m.kind === 'warning') r.o.onWarning?.(m.message);
      else {
        r.reply = m;
        this.check(r);
        // Both marks were written before this message; they should be here within moments.
        setTimeout(() => {
          if (this.running === r && r.marks < 2) {
            this.tainted = true;
            r.finished();
          }
        }, MARK_WAIT_MS).unref();
      }
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      stream.setEncoding('utf8');
      const split = new JobOutputSplitter(
        (text) => this.output(text),
        () => {
          const r = this.running;
          if (r) {
            r.marks++;
            this.check(r);
          }
        },
      );
      stream.on('data', (chunk: string) => split.push(chunk));
      stream.on('end', () => split.end());
    }
  }

  /** Alive and taking jobs. */
  get alive(): boolean {
    return this.exit === undefined && !this.killed;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private output(text: string): void {
    const r = this.running;
    const log = r?.job.logFile ?? this.lastLog;
    if (log !== undefined) appendFileSync(log, text);
    if (!r) return;
    for (const l of text.split('\n')) if (l.trim() !== '') r.tail.push(l);
    if (r.tail.length > 20) r.tail.splice(0, r.tail.length - 20);
  }

  private check(r: Running): void {
    if (r.reply && r.marks >= 2) r.finished();
  }

  /** Keep this process alive for the worker (while it runs a job or shuts down), or not (idle). */
  private hold(on: boolean): void {
    for (const h of [this.child, this.child.channel, this.child.stdout, this.child.stderr] as Array<Refable | null | undefined>) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }

  /** Run one job (the worker must be idle); its record, or the node's error. */
  async run(job: Job, o: WorkerJobOptions): Promise<IndexRecord> {
    if (this.running) throw new Error(`worker ${String(this.pid)} is busy`);
    this.jobs++;
    this.lastLog = job.logFile;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const r: Running = { job, o, tail: [], marks: 0, finished };
    this.running = r;
    // Gone already (it died while idle): nothing will finish the job but this.
    if (this.exit !== undefined) finished();
    this.hold(true);
    // The worker holds this job's key with us, whichever job of its life it is.
    if (this.pid !== undefined) o.onSpawn?.(this.pid);
    const stop = (): void => this.kill();
    o.signal.addEventListener('abort', stop, { once: true });
    try {
      if (o.signal.aborted) this.kill();
      else if (await this.ready) this.send({ kind: 'job', job, retain: o.retain });
      await done;
      if (o.signal.aborted) {
        // A stopped node is over once its worker is gone, as a one-job worker's was.
        await this.closed;
        o.signal.throwIfAborted();
      }
      const reply = r.reply;
      if (reply?.kind === 'error') {
        // The worker already put an unexpected error's name in front of its message; keep only the
        // names the executor acts on, so the summary does not say `TypeError: TypeError: ...`.
        const err = new Error(reply.message);
        if (reply.name === 'NodeError' || reply.name === 'CorruptObjectError') err.name = reply.name;
        throw err;
      }
      if (!reply) {
        await this.closed;
        const how = this.exit?.signal ? `was killed by ${this.exit.signal}` : `exited with code ${String(this.exit?.code)}`;
        throw new Error(`node ${job.nodeId}: worker ${how}${r.tail.length ? `; last output:\n  ${r.tail.slice(-5).join('\n  ')}` : ''}`);
      }
      this.rss = reply.rss ?? 0;
      const hit = await o.cache.get(reply.key);
      if (!hit) throw new Error(`node ${job.nodeId}: worker finished but ${o.cache.description} has no record for its key`);
      return hit.record;
    } finally {
      o.signal.removeEventListener('abort', stop);
      this.running = undefined;
      if (this.exit === undefined) this.hold(false);
    }
  }

  private send(m: ParentMessage): void {
    try {
      this.child.send(m, (e) => {
        if (e) this.kill();
      });
    } catch {
      this.kill(); // the channel is closed: the worker is going or gone
    }
  }

  /** Stop the worker's process group now (TERM, then KILL after a grace). */
  kill(): void {
    if (this.exit !== undefined || this.killed) return;
    this.killed = true;
    this.killTimer = terminateGroup(this.pid, KILL_GRACE_MS);
  }

  /** Ask an idle worker to free what it holds and exit; stop its group if it takes too long. Resolves once it is gone. */
  async shutdown(): Promise<void> {
    if (this.exit !== undefined) return;
    this.hold(true);
    if (!this.killed) {
      this.send({ kind: 'shutdown' });
      const late = setTimeout(() => this.kill(), SHUTDOWN_GRACE_MS);
      await this.closed;
      clearTimeout(late);
      return;
    }
    await this.closed;
  }
}
