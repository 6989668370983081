/** Training: AdamW, warmup/decay schedule, clipping, the loop. */
export { AdamW, type AdamWOptions } from './adamw.js';
export { clipByGlobalNorm } from './clip.js';
export { linearWarmupDecay } from './schedule.js';
export { train, type TrainOptions, type TrainProgress, type TrainResult } from './loop.js';
