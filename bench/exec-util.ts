/** Helpers shared by the executor benches: a temp dir and timing the real CLI of this build. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntryArgs } from '../test/util/exec-cli.js';
import { cliMainPath } from '../src/package-root.js';

export function benchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `layerfuse-bench-${name}-`));
}

/** Run the CLI to completion; returns seconds of wall time. Throws on a non-zero exit. */
export function timeCli(cwd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, cliEntryArgs(cliMainPath, args), { cwd, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`layerfuse ${args.join(' ')} exited ${String(r.status)}:\n${r.stderr}`);
  return s;
}

export function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}
