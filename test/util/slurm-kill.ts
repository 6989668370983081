/**
 * Killing a Slurm job's worker outright (SIGKILL, as the OOM killer would), found by its job
 * file on the command line. Slurm may say RUNNING a moment before the batch script has started
 * Node.js, so this waits for the process to appear.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export async function killWorker(jobFile: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = spawnSync('pgrep', ['-f', jobFile], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    if (found.length > 0) {
      for (const pid of found) process.kill(Number(pid), 'SIGKILL');
      return;
    }
    if (Date.now() > end) throw new Error(`no process runs ${jobFile}`);
    await sleep(100);
  }
}
