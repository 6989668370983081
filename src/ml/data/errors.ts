/**
 * Bad user data (a file, a column, a label, split sizes). The message already names the file and
 * position; node wrappers turn it into a NodeError so the executor prints it without a stack.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
