/**
 * The single-machine Slurm that tests run nodes on: test/util/slurm-up.sh starts it (or finds
 * it up) once per test process. Tests that need it skip with a message when Slurm is not
 * installed or cannot be started here: `test('x', { skip: skipWithoutSlurm() }, ...)`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

let status: false | string | undefined;

/** `false` when the test cluster is up, else the skip message node:test prints. */
export function skipWithoutSlurm(): false | string {
  if (status !== undefined) return status;
  const script = join(repoRoot, 'test', 'util', 'slurm-up.sh');
  const r = spawnSync(script, [], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) status = false;
  else if (r.status === 3) status = 'needs Slurm (munge, slurmctld, slurmd, sbatch), which is not installed: run test/util/slurm-up.sh --install as root';
  else status = `needs a running Slurm, and test/util/slurm-up.sh could not start one (exit ${String(r.status ?? r.signal)}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' / ')}`;
  return status;
}
