/**
 * Learning-rate schedule: linear warmup from 0, then linear decay to 0 at the last step
 * (transformers' get_linear_schedule_with_warmup). Step is 0-based: step 0 uses lr·0 only when
 * warmup > 0, as in HF.
 */
export function linearWarmupDecay(step: number, totalSteps: number, warmupSteps: number): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
