/**
 * Shapes shared by the signal functions: which end of a score is pruned first, and the oriented
 * result every strategy produces (docs/method.md: raw scores, direction, pruning order, `keep`).
 */
import { InputError } from '../../artifacts/errors.js';

/** `low`: the layer with the lowest score is pruned first; `high`: the highest. */
export type Direction = 'low' | 'high';

export interface Oriented {
  /** Raw per-layer scores, index i = layers[i]. */
  scores: number[];
  direction: Direction;
  /** Layer ids (from `layers`) in pruning order, first pruned first. */
  order: number[];
  /** Oriented score: `scores` for low-first, its negative for high-first; lowest pruned first. */
  keep: number[];
}

/** The twelve signals of docs/method.md with the end each prunes first by default. */
export const SIGNAL_DIRECTIONS = {
  'activation-intensity': 'low',
  'activation-energy': 'low',
  'activation-inhibition': 'high',
  'task-relevance-mi': 'low',
  'flow-relevance-mi': 'low',
  'gradient-magnitudes': 'low',
  'gradient-fisher': 'low',
  'weight-norm': 'low',
  'weight-sparsity': 'high',
  'weight-entropy': 'low',
  'attention-weight': 'low',
  'attention-entropy': 'high',
} as const satisfies Record<string, Direction>;

export type SignalName = keyof typeof SIGNAL_DIRECTIONS;

export const SIGNAL_NAMES: readonly SignalName[] = Object.keys(SIGNAL_DIRECTIONS) as SignalName[];

/** Groups of statistics a capture can keep (`tensors` parameter of signals/capture). */
export const CAPTURE_GROUPS = ['hidden', 'ffn', 'attention', 'gradients'] as const;
export type CaptureGroup = (typeof CAPTURE_GROUPS)[number];

/** Thrown for bad input to a signal or fusion function; nodes prefix it with their id. */
export class SignalInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'SignalInputError';
  }
}
