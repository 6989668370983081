/**
 * Bad user data (a file, a column, a label, split sizes). The message already names the file and
 * position; node wrappers turn it into a NodeError so the executor prints it without a stack.
 */
import { InputError } from '../../artifacts/errors.js';

export class DataError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
