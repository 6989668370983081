/** Knowledge distillation: the loss and the training run. */
export { checkDistillParams, distillationLoss, distillationLossFn, type DistillLossParams } from './loss.js';
export { distill, teacherLogits, type DistillOptions } from './distill.js';
