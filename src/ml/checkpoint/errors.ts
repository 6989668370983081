import { InputError } from '../../artifacts/errors.js';

/** A checkpoint directory that cannot be loaded; the message names the file and the problem. */
export class CheckpointError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
