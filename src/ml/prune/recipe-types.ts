/** Recipe vocabulary that node declarations list (no fusion or signal code: planning stays light). */
export type FusionMethod = 'linear-regression' | 'random-forest' | 'weighted-sum' | 'rank-mean' | 'none';
export const FUSION_METHODS: readonly FusionMethod[] = ['linear-regression', 'random-forest', 'weighted-sum', 'rank-mean', 'none'];
