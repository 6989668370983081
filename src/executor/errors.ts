/** A problem with the pipeline or the request found before anything runs (CLI exit 2). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}
