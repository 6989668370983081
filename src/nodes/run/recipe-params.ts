/**
 * prune/iterative's params -> an ml Recipe, with every default taken from the declaration that
 * owns it: each signal's score params from its score/<signal> node, the fusion's from
 * fuse/<method>, the capture's from signals/capture. So `{name: task-relevance-mi}` in a recipe
 * means exactly what `uses: score/task-relevance-mi` means.
 */
import { checkRecipe, parseRecipeSignal, RecipeError, type Recipe, type RecipeFusion, type RecipeSignal } from '../../ml/prune/index.js';
import type { SignalName } from '../../ml/signals/types.js';
import { withDefaults } from '../family.js';
import { linearRegressionNode, randomForestNode } from '../fuse.js';
import type { IterativeParams } from '../prune.js';
import { signalNodes } from '../score.js';
import { captureParams } from '../signals.js';

function scoreDecl(name: SignalName): (typeof signalNodes)[number] {
  const decl = signalNodes.find((d) => d.type === `score/${name}`);
  if (!decl) throw new Error(`no score node for signal ${name}`);
  return decl;
}

export function recipeOf(p: IterativeParams): Recipe {
  const signals = p.signals.map((entry, i): RecipeSignal => {
    const s = parseRecipeSignal(entry, `signals[${i}]`, (name) => Object.keys(scoreDecl(name).params));
    return withDefaults(scoreDecl(s.name), { ...s }) as unknown as RecipeSignal;
  });
  const { method, ...given } = p.fusion;
  const own: Record<string, readonly string[]> = {
    'linear-regression': ['ridge'],
    'random-forest': ['trees', 'seed'],
    'weighted-sum': ['weights'],
    'rank-mean': [],
    none: [],
  };
  const stray = Object.keys(given).filter((k) => !own[method]!.includes(k));
  if (stray.length) throw new RecipeError(`fusion: method ${method} takes no ${stray.join(', ')}${own[method]!.length ? ` (it takes ${own[method]!.join(', ')})` : ''}`);
  const decl = method === 'linear-regression' ? linearRegressionNode : method === 'random-forest' ? randomForestNode : undefined;
  const filled = decl ? withDefaults(decl, given) : given;
  const fusion = { method, ...Object.fromEntries(own[method]!.filter((k) => filled[k] !== undefined).map((k) => [k, filled[k]])) } as RecipeFusion;
  const capture = withDefaults({ params: { batch: captureParams.batch!, eps: captureParams.eps!, split: captureParams.split! } }, p.capture) as Recipe['capture'];
  const recipe: Recipe = { signals, fusion, capture, target: { split: p.target_split } };
  checkRecipe(recipe);
  return recipe;
}
