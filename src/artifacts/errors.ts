/**
 * The two errors whose message is meant for people as is (the executor prints it without a
 * stack): a node's NodeError, and the InputError that library code (src/ml) raises for bad
 * input it was given. The node layer turns an InputError into a NodeError naming the node, in
 * one place (src/nodes/family.ts), so run bodies never catch and rewrap.
 */

/** An error a node raises for bad input; the executor prints it with the node id, no stack. */
export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeError';
  }
}

/**
 * A problem with what library code was given (a data file, a checkpoint, params out of range,
 * a capture without a needed statistic, a diverged training run) that the user can fix. ML
 * error classes extend it and keep their own `name` (DataError, SignalInputError, ...).
 */
export class InputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InputError';
  }
}
