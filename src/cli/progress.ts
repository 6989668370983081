/**
 * The run's logger for people. On a terminal (stderr is a TTY): finished nodes scroll above a
 * live block with the cached/ran/failed counts and one line per running node, with a bar when
 * the node reports progress (training, evaluation loops). Elsewhere (CI, pipes): one plain line
 * per status change, and for a running node a progress line each epoch or every 10 s
 * (progress-lines.ts), nothing redrawn.
 */
import type { ExecutorEvent, Logger, NodeStatus } from '../executor/index.js';
import type { Progress } from '../artifacts/index.js';
import { writeErr } from './output.js';
import { ProgressLines } from './progress-lines.js';

const LABEL: Partial<Record<NodeStatus, string>> = {
  running: 'run',
  cached: 'cached',
  succeeded: 'ok',
  failed: 'FAILED',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : ` (${(ms / 1000).toFixed(1)} s)`;
}

/** A node's error without the `node ID: ` its message starts with (the line already names the node). */
export function nodeMessage(node: string, message: string): string {
  const prefix = `node ${node}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** The first line of a failure, without a dangling `; last output:` that the summary completes. */
function headline(node: string, message: string): string {
  return (nodeMessage(node, message).split('\n')[0] ?? '').replace(/;[^;]*:$/, '');
}

/** The permanent line for a status change, or undefined for transitions nobody needs to read. */
export function statusLine(e: Extract<ExecutorEvent, { kind: 'status' }>): string | undefined {
  const label = LABEL[e.status];
  if (!label) return undefined;
  const head = `${label.padEnd(9)} ${e.node}`;
  switch (e.status) {
    case 'running':
      return head + (e.detail ? ` (${e.detail})` : e.worker ? ' (worker)' : '');
    case 'succeeded':
      return head + seconds(e.durationMs);
    case 'failed':
      return `${head}: ${headline(e.node, e.message ?? '')}`;
    case 'skipped':
    case 'cancelled':
      return e.message ? `${head} (${e.message})` : head;
    default:
      return head;
  }
}

export function bar(p: Progress, width = 20): string {
  const frac = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}%`;
}

export function warningLine(e: Extract<ExecutorEvent, { kind: 'warning' }>): string {
  return `warning: ${e.node}: ${e.message}`;
}

export interface PlainOptions {
  now?: () => number;
  write?: (text: string) => void;
  /** Seconds between lines of a node that reports nothing new (default 10). */
  intervalMs?: number;
  /** Tick the heartbeat with a timer (off in tests that drive `tick` by hand). */
  timer?: boolean;
}

export class PlainProgress implements Logger {
  private readonly lines: ProgressLines;
  private readonly now: () => number;
  private readonly write: (text: string) => void;
  private readonly useTimer: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(o: PlainOptions = {}) {
    this.lines = new ProgressLines(o.intervalMs);
    this.now = o.now ?? Date.now;
    this.write = o.write ?? writeErr;
    this.useTimer = o.timer ?? true;
  }

  onEvent(e: ExecutorEvent): void {
    switch (e.kind) {
      case 'start':
        if (this.useTimer) {
          this.timer = setInterval(() => this.tick(), 1000);
          this.timer.unref();
        }
        return;
      case 'finish':
        if (this.timer) clearInterval(this.timer);
        return;
      case 'warning':
        this.write(warningLine(e) + '\n');
        return;
      case 'progress': {
        const line = this.lines.report(e.node, e.progress, this.now());
        if (line) this.write(line + '\n');
        return;
      }
      case 'log':
        return;
      case 'status': {
        if (e.status === 'running') this.lines.started(e.node, this.now());
        else this.lines.finished(e.node);
        const line = statusLine(e);
        if (line) this.write(line + '\n');
      }
    }
  }

  /** Heartbeat lines for running nodes that said nothing for a while. */
  tick(): void {
    for (const line of this.lines.tick(this.now())) this.write(line + '\n');
  }
}

interface Running {
  since: number;
  progress?: Progress;
  worker: boolean;
}

export class TtyProgress implements Logger {
  private readonly running = new Map<string, Running>();
  private readonly counts: Record<NodeStatus, number> = { pending: 0, ready: 0, running: 0, cached: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
  private total = 0;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private drawnAt = 0;

  constructor(private readonly columns: () => number = () => process.stderr.columns || 100) {}

  onEvent(e: ExecutorEvent): void {
    switch (e.kind) {
      case 'start':
        this.total = e.nodes.length;
        this.counts.pending = e.nodes.length;
        this.timer = setInterval(() => this.flush(), 100);
        this.timer.unref();
        return;
      case 'status': {
        this.counts[e.previous]--;
        this.counts[e.status]++;
        if (e.status === 'running') this.running.set(e.node, { since: Date.now(), worker: e.worker === true });
        else this.running.delete(e.node);
        // Cached nodes only count: a warm rerun of hundreds of nodes should not scroll.
        if (e.status !== 'cached' && e.status !== 'running' && e.status !== 'ready') {
          const line = statusLine(e);
          if (line) this.print(line);
        }
        this.dirty = true;
        return;
      }
      case 'progress': {
        const r = this.running.get(e.node);
        if (r) r.progress = e.progress;
        this.dirty = true;
        return;
      }
      case 'finish':
        if (this.timer) clearInterval(this.timer);
        this.clear();
        return;
      case 'warning':
        this.print(warningLine(e));
        return;
      case 'log':
        return;
    }
  }

  private print(line: string): void {
    this.clear();
    writeErr(line + '\n');
    this.draw();
  }

  private flush(): void {
    // Running nodes show their elapsed seconds, so the block is redrawn each second while any run.
    const tick = this.running.size > 0 && Date.now() - this.drawnAt >= 1000;
    if (!this.dirty && !tick) return;
    this.clear();
    this.draw();
  }

  private clear(): void {
    // Cursor up over the block and erase to the end of the screen.
    if (this.drawn > 0) writeErr(`\x1b[${this.drawn}F\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.dirty = false;
    this.drawnAt = Date.now();
    const width = this.columns();
    const c = this.counts;
    const done = c.cached + c.succeeded + c.failed + c.skipped + c.cancelled;
    const lines = [
      `layerfuse ${done}/${this.total}: ${c.cached} cached, ${c.succeeded} ran, ${c.failed} failed, ${c.running} running`,
    ];
    const now = Date.now();
    for (const [id, r] of [...this.running].sort(([a], [b]) => a.localeCompare(b))) {
      const secs = `${Math.round((now - r.since) / 1000)} s`;
      const p = r.progress;
      // A progress without a total is a status line (a Slurm job's queue state), not a bar.
      const detail = p ? (p.total > 0 ? `${bar(p)} ${p.message ?? ''}` : (p.message ?? '')) : 'running';
      lines.push(`  ${id}  ${detail}  ${secs}`);
    }
    const text = lines.map((l) => (l.length > width - 1 ? l.slice(0, width - 2) + '…' : l)).join('\n') + '\n';
    writeErr(text);
    this.drawn = lines.length;
  }
}

export function progressLogger(tty: boolean = process.stderr.isTTY === true): Logger {
  return tty ? new TtyProgress() : new PlainProgress();
}
