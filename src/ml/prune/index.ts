/** Pruning: curves over removal orders, best-k, greedy and iterative orders, prefix reuse. */
export { asCurveManifest, asDistillationManifest, CURVE_FORMAT, DISTILLATION_FORMAT, type CurveKind, type CurveManifest, type CurvePoint, type DistillationManifest, type DistilledModelScore, type SplitScore } from './formats.js';
export { chooseBest, type BestChoice, type BestRule } from './best-k.js';
export { buildCurve, checkOrder, curveSteps, CurveInputError, type CurveOptions, type CurveSplit, type CurveStep, type SetScorer } from './curve.js';
export { PrefixCache } from './prefix-cache.js';
export { DEFAULT_PREFIX_BUDGET, PrefixEvaluator, type EvaluatorCounters, type PrefixEvaluatorOptions, type SplitBatches } from './prefix-evaluator.js';
export { MemoScorer, splitScore, type MemoScorerOptions, type MemoStats, type ScoreMemo, type StoredScore } from './memo-scorer.js';
export { greedyOrder, type GreedyResult, type GreedyStep } from './greedy.js';
export { iterativeOrder, type IterativeResult, type IterativeStep } from './iterative.js';
export {
  checkRecipe,
  FUSION_METHODS,
  parseRecipeSignal,
  recipeGroups,
  recipeNeedsTarget,
  recipeOrder,
  RecipeError,
  weightOnlyStats,
  type FusionMethod,
  type Recipe,
  type RecipeFusion,
  type RecipeSignal,
  type RecipeStep,
} from './recipe.js';
export { recipeStep, type RecipeStepInputs, type RecipeStepResult } from './recipe-step.js';
