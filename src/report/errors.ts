/**
 * Bad report input (a malformed curve, a dataset without an unpruned point, two curves claiming
 * the same strategy and dataset). Messages name the curve's source node and dataset so the
 * report node can pass them on as they are.
 */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
