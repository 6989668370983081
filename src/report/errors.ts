/**
 * Bad report input (a malformed curve, a dataset without an unpruned point, two curves claiming
 * the same strategy and dataset). Messages name the curve's source node and dataset; as an
 * InputError, the report node passes them on as "node id: message", without a stack.
 */
import { InputError } from '../artifacts/errors.js';

export class ReportInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
