/** A checkpoint directory that cannot be loaded; the message names the file and the problem. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
