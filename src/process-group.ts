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

/**
 * `sh` text for a watchdog loop: a function `lf_alive PID` (kill -0, and on Linux not a zombie:
 * a process killed outright stays a zombie until its parent reaps it, and in a container whose
 * init never reaps that is forever).
 */
export const SH_ALIVE_FN =
  `lf_alive() { kill -0 "$1" 2>/dev/null || return 1; [ -r "/proc/$1/stat" ] || return 0; ` +
  `case "$(cat "/proc/$1/stat" 2>/dev/null)" in *") Z "*) return 1;; esac; return 0; }`;
