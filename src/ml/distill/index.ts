/** Knowledge distillation: the loss and the training run. */
export { checkDistillParams, distillationLoss, distillationLossFn, type DistillLossParams } from './loss.js';
export { distill, distillBatches, teacherLogits, type DistillOptions } from './distill.js';
export { distillInThread, type ThreadRunRequest, type ThreadRunResult } from './in-thread.js';
