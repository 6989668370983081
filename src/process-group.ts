/**
 * Stopping a child started in its own process group (`detached`), so that whatever it spawned
 * stops too: SIGTERM to the group, then SIGKILL once `graceMs` has passed. A leaf module, shared
 * by the executor's workers and the shell node.
 */
export function terminateGroup(pid: number | undefined, graceMs: number): NodeJS.Timeout | undefined {
  if (pid === undefined) return undefined;
  const group = -pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return undefined; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  timer.unref();
  return timer;
}
