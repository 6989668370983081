/** A problem with the pipeline or the request found before anything runs (CLI exit 2). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * A stored object whose bytes no longer hash to its name (disk fault, a user editing a file in
 * cache/objects). The cache moves it out of the store when it finds one, so every entry that
 * references it becomes a miss and the node that made it runs again.
 */
export class CorruptObjectError extends Error {
  constructor(
    readonly digest: string,
    readonly actual: string,
    /** Where the bad copy was moved (kept for inspection; `cache gc` removes it), if it could be. */
    readonly movedTo: string | undefined,
  ) {
    super(
      `cache object ${digest} is corrupted (its bytes hash to ${actual.slice(0, 12)}…)` +
        (movedTo ? `; it was moved to ${movedTo}, so the node that made it runs again on the next run` : ''),
    );
    this.name = 'CorruptObjectError';
  }
}

/** Errors whose message is meant for people as is; any other error keeps its name (`TypeError: ...`). */
const PLAIN = new Set(['Error', 'NodeError', 'CorruptObjectError', 'RunnerError', 'RunnerCancelled']);

/** An error as the run summary prints it: the message, without a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return PLAIN.has(e.name) ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}
