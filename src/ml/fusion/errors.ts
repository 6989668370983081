import { InputError } from '../../artifacts/errors.js';

/** Bad input to a fusion; the node that called it prefixes its own id. */
export class FusionInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'FusionInputError';
  }
}
