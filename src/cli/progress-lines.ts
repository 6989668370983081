/**
 * Progress off a terminal (CI, `| tee`, nohup): no live block to redraw, so a long node would
 * print nothing between `run` and `ok`. This decides when a running node gets a plain line and
 * what it says: every `intervalMs` (10 s), and at each new epoch (a message with `epoch N`)
 * but never more than once a second; the line names the node, step/total, the node's own message
 * (its loss), the time elapsed and an ETA from the rate since its first progress report. A node
 * that reports no progress (a plain shell step) still gets a line with its elapsed time.
 */
import type { Progress } from '../artifacts/index.js';

/** `45 s`, `3 min 10 s`, `1 h 02 min`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

interface Tracked {
  since: number;
  lastLine: number;
  progress?: Progress;
  first?: { at: number; done: number };
  epoch?: string;
}

const EPOCH = /\bepoch\s+(\d+)/i;

export class ProgressLines {
  private readonly nodes = new Map<string, Tracked>();

  constructor(
    private readonly intervalMs = 10_000,
    private readonly minGapMs = 1_000,
  ) {}

  started(node: string, now: number): void {
    this.nodes.set(node, { since: now, lastLine: now });
  }

  finished(node: string): void {
    this.nodes.delete(node);
  }

  /** A progress report; returns the line to print now, if any. */
  report(node: string, p: Progress, now: number): string | undefined {
    const t = this.nodes.get(node);
    if (!t) return undefined;
    t.progress = p;
    t.first ??= { at: now, done: p.done };
    const epoch = EPOCH.exec(p.message ?? '')?.[1];
    const newEpoch = epoch !== undefined && t.epoch !== undefined && epoch !== t.epoch;
    if (epoch !== undefined) t.epoch = epoch;
    const gap = now - t.lastLine;
    if (gap >= this.intervalMs || (newEpoch && gap >= this.minGapMs)) return this.line(node, t, now);
    return undefined;
  }

  /** Called about once a second: lines for nodes that said nothing for `intervalMs`. */
  tick(now: number): string[] {
    const out: string[] = [];
    for (const [node, t] of [...this.nodes].sort(([a], [b]) => a.localeCompare(b))) {
      if (now - t.lastLine >= this.intervalMs) out.push(this.line(node, t, now));
    }
    return out;
  }

  private line(node: string, t: Tracked, now: number): string {
    t.lastLine = now;
    const elapsed = `${duration(now - t.since)} elapsed`;
    const p = t.progress;
    if (!p) return `${'progress'.padEnd(9)} ${node}: running, ${elapsed}`;
    const pct = p.total > 0 ? ` (${Math.floor((100 * Math.min(p.done, p.total)) / p.total)}%)` : '';
    const parts = [`${p.done}/${p.total}${pct}`];
    if (p.message) parts.push(p.message);
    let eta = '';
    if (t.first && p.done > t.first.done && p.total > p.done) {
      const rate = (p.done - t.first.done) / (now - t.first.at);
      eta = `, ETA ${duration((p.total - p.done) / rate)}`;
    }
    return `${'progress'.padEnd(9)} ${node}: ${parts.join(' ')}, ${elapsed}${eta}`;
  }
}
