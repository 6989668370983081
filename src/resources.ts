/**
 * The units of a node's `resources:` that are requests rather than pool slots: memory (`mem:
 * 16G`) and wall time (`time: 2h`), read the way Slurm reads them so that a value copied from an
 * sbatch script means the same here. A leaf module: the DSL parses with it, the Slurm runner
 * formats with it.
 *
 * Memory: a number with an optional unit K, M, G or T (also KB/KiB...; powers of 1024, as
 * Slurm's); a bare number is MiB, as in `--mem`; 0 is Slurm's "all of the node's memory".
 * Stored as whole MiB, rounded up.
 * Time: `30s`, `90m`, `2h`, `1d`, or a run of them (`1h30m`), or Slurm's own forms: `MM`,
 * `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`; a bare number is minutes, as in
 * `--time`. Stored as whole seconds.
 */

const MEM_UNITS: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/** MiB for a memory request, or an explanation of what is wrong with it. */
export function parseMemory(value: unknown): { mib: number } | { error: string } {
  const what = 'a size such as 16G, 512M or 2048 (MiB)';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { error: `must be ${what}` };
    return { mib: Math.ceil(value) };
  }
  if (typeof value !== 'string') return { error: `must be ${what}` };
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])?(?:i?b)?\s*$/i.exec(value);
  if (!m) return { error: `must be ${what}` };
  return { mib: Math.ceil(Number(m[1]) * (MEM_UNITS[(m[2] ?? 'm').toLowerCase()] as number)) };
}

const TIME_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds for a wall-time request, or an explanation of what is wrong with it. */
export function parseDuration(value: unknown): { seconds: number } | { error: string } {
  const what = 'a duration such as 2h, 30m, 1h30m, 1d or 02:00:00';
  let seconds: number | undefined;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) seconds = Math.ceil(value * 60);
  } else if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (/^(\d+(?:\.\d+)?[smhd])+$/.test(s)) {
      seconds = 0;
      for (const [, n, u] of s.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) seconds += Number(n) * (TIME_UNITS[u as string] as number);
      seconds = Math.ceil(seconds);
    } else {
      seconds = slurmTime(s);
    }
  }
  if (seconds === undefined || seconds <= 0) return { error: `must be ${what}, greater than 0` };
  return { seconds };
}

/** Slurm's `--time` forms; undefined when the text is none of them. */
function slurmTime(s: string): number | undefined {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s);
  if (!m) return undefined;
  const [, d, a, b, c] = m;
  const n = (x: string | undefined): number => (x === undefined ? 0 : Number(x));
  if (d !== undefined) return n(d) * 86400 + n(a) * 3600 + n(b) * 60 + n(c); // D-HH[:MM[:SS]]
  if (c !== undefined) return n(a) * 3600 + n(b) * 60 + n(c); // HH:MM:SS
  if (b !== undefined) return n(a) * 60 + n(b); // MM:SS
  return n(a) * 60; // MM
}

/** `--time` text: `D-HH:MM:SS` (days only when there are any). Slurm rounds seconds up to minutes. */
export function formatSlurmTime(seconds: number): string {
  const s = Math.ceil(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  const days = Math.floor(s / 86400);
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** `--mem` text: whole GiB when exact (easier to read in squeue), else MiB. */
export function formatSlurmMemory(mib: number): string {
  const m = Math.ceil(mib);
  if (m === 0) return '0';
  return m % 1024 === 0 ? `${m / 1024}G` : `${m}M`;
}

/** A retry growth factor: a number >= 1, or `x2` / `2x`. */
export function parseFactor(value: unknown): { factor: number } | { error: string } {
  const what = 'a factor such as x2 or 1.5 (at least 1)';
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const m = /^\s*(?:[x×]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*[x×]?)\s*$/i.exec(value);
    if (m) n = Number(m[1] ?? m[2]);
  }
  if (n === undefined || !Number.isFinite(n) || n < 1) return { error: `must be ${what}` };
  return { factor: n };
}
