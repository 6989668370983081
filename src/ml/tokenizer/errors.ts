import { InputError } from '../../artifacts/errors.js';

/** An unusable tokenizer file, vocabulary or setting; the message names the file. */
export class TokenizerError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenizerError';
  }
}
