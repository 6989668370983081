/**
 * Things a process must free before it can exit (Dawn's GPU device, see webgpu.ts; caches kept
 * between nodes), registered by what allocated them, and whether the process keeps caches
 * between nodes at all. A leaf with no imports: a worker calls releaseAll() before it exits
 * without loading TF.js when its nodes never did.
 */
const hooks = new Set<() => void>();
let retaining = false;

/**
 * Register `release` to run at releaseAll (once; registering the same function again makes it
 * the latest, since what it frees was allocated again after what came since).
 */
export function onRelease(release: () => void): void {
  hooks.delete(release);
  hooks.add(release);
}

/**
 * Run and forget every registered hook, the latest registered first (what was allocated later,
 * a model on a GPU device, goes before what it lives on, the device); a failing hook does not
 * stop the others.
 */
export function releaseAll(): Error[] {
  const errors: Error[] = [];
  for (const h of [...hooks].reverse()) {
    hooks.delete(h);
    try {
      h();
    } catch (e) {
      errors.push(e instanceof Error ? e : new Error(String(e)));
    }
  }
  return errors;
}

/**
 * Whether this process will run further nodes after the current one (a reused worker): caches
 * keyed by content digest may then outlive a node, bounded, and are freed at releaseAll. Off
 * (the default: the CLI's own process, a one-job worker) nodes free them when they finish.
 */
export function setRetention(on: boolean): void {
  retaining = on;
}

export function retains(): boolean {
  return retaining;
}
