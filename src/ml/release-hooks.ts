/**
 * Things a process must free before it can exit (Dawn's GPU device, see webgpu.ts), registered by
 * what allocated them. A leaf with no imports: a worker calls releaseAll() after its node without
 * loading TF.js when the node never did.
 */
const hooks = new Set<() => void>();

/** Register `release` to run at releaseAll (once; registering the same function twice is one hook). */
export function onRelease(release: () => void): void {
  hooks.add(release);
}

/** Run and forget every registered hook; a failing hook does not stop the others. */
export function releaseAll(): Error[] {
  const errors: Error[] = [];
  for (const h of [...hooks]) {
    hooks.delete(h);
    try {
      h();
    } catch (e) {
      errors.push(e instanceof Error ? e : new Error(String(e)));
    }
  }
  return errors;
}
