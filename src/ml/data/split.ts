/**
 * Seeded, stratified train / validation / test splits and a calibration sample of train.
 *
 * Algorithm (all steps deterministic given the seed):
 * 1. Group example indices by class, in file order; shuffle each class with its own stream
 *    `rngFor(seed, 'split', classId)`.
 * 2. `limit` (optional): keep the first k_c of each shuffled class, k apportioned by largest
 *    remainder over the class sizes (see allocate.ts).
 * 3. Resolve sizes to totals. Fractions (all <= 1, summing to <= 1): test = round(f*N),
 *    validation = round(f*N), train = the rest when the fractions sum to 1, else round(f*N).
 *    Counts (non-negative integers): as given.
 * 4. Apportion test, then validation, then train over the classes by largest remainder of the
 *    class sizes (capped by what the class has left), so every class is in every split in
 *    proportion; a class that would get no example in a non-empty split is an error.
 * 5. Each class's shuffled list is cut in that order: its first test_c examples go to test, the
 *    next validation_c to validation, the next train_c to train.
 * 6. Calibration: min(calibration, |train|) examples apportioned over the train class counts;
 *    from each class the first k of its train examples shuffled by `rngFor(seed, 'calibration',
 *    classId)`. Calibration is a subset of train.
 * Every split lists its examples in file order.
 */
import { allocate } from './allocate.js';
import { DataError } from './errors.js';
import { rngFor, shuffleInPlace } from './rng.js';

export const SPLITS = ['train', 'validation', 'test', 'calibration'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface SplitOptions {
  /** Fraction (with the others summing to <= 1) or absolute count; default 0.8 / 0.1 / 0.1. */
  train: number;
  validation: number;
  test: number;
  /** Size of the calibration sample of train (clipped to the train size). */
  calibration: number;
  /** Keep at most this many rows (stratified) before splitting. */
  limit?: number;
  seed: number;
}

export interface SplitResult {
  /** Example indices per split, ascending (file order). */
  indices: Record<SplitName, number[]>;
  /** Examples per class per split. */
  counts: Record<SplitName, number[]>;
}

const MAIN = ['test', 'validation', 'train'] as const;

function resolveTotals(opts: SplitOptions, n: number, file: string): Record<(typeof MAIN)[number], number> {
  const sizes = { train: opts.train, validation: opts.validation, test: opts.test };
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isFinite(v) || v < 0) throw new DataError(`${file}: split size ${k} must be a non-negative number, got ${v}`);
  }
  const values = Object.values(sizes);
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.every((v) => v <= 1) && sum <= 1 + 1e-9) {
    const test = Math.round(opts.test * n);
    const validation = Math.round(opts.validation * n);
    const train = Math.abs(sum - 1) <= 1e-9 ? n - test - validation : Math.round(opts.train * n);
    if (train < 0 || train + validation + test > n) {
      throw new DataError(`${file}: split fractions train ${opts.train}, validation ${opts.validation}, test ${opts.test} round to more than the ${n} rows`);
    }
    return { train, validation, test };
  }
  const bad = Object.entries(sizes).find(([, v]) => !Number.isInteger(v));
  if (bad) {
    throw new DataError(`${file}: split sizes are either fractions summing to at most 1 or whole counts; ${bad[0]} is ${bad[1]} (train ${opts.train}, validation ${opts.validation}, test ${opts.test})`);
  }
  if (sum > n) throw new DataError(`${file}: split sizes train ${opts.train} + validation ${opts.validation} + test ${opts.test} = ${sum} exceed the ${n} rows`);
  return sizes;
}

export function stratifiedSplit(labelsOf: readonly number[], classNames: readonly string[], opts: SplitOptions, file: string): SplitResult {
  const k = classNames.length;
  const byClass: number[][] = classNames.map(() => []);
  labelsOf.forEach((label, i) => byClass[label]?.push(i));
  byClass.forEach((members, c) => {
    if (members.length === 0) throw new DataError(`${file}: class '${classNames[c]}' has no examples`);
    shuffleInPlace(members, rngFor(opts.seed, 'split', c));
  });

  let sizes = byClass.map((m) => m.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (opts.limit !== undefined) {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new DataError(`${file}: limit must be a positive integer, got ${opts.limit}`);
    if (opts.limit < total) {
      sizes = allocate(opts.limit, sizes);
      sizes.forEach((s, c) => {
        if (s === 0) throw new DataError(`${file}: limit ${opts.limit} leaves class '${classNames[c]}' with no examples`);
        byClass[c] = (byClass[c] as number[]).slice(0, s);
      });
    }
  }
  const n = sizes.reduce((a, b) => a + b, 0);
  const totals = resolveTotals(opts, n, file);

  const left = [...sizes];
  const alloc = {} as Record<(typeof MAIN)[number], number[]>;
  for (const split of MAIN) {
    alloc[split] = allocate(totals[split], sizes, left);
    alloc[split].forEach((a, c) => (left[c] = (left[c] as number) - a));
  }
  for (const split of MAIN) {
    if (totals[split] === 0) continue;
    const c = alloc[split].findIndex((a) => a === 0);
    if (c >= 0) {
      const want = MAIN.filter((s) => totals[s] > 0).map((s) => `${s} ${alloc[s][c]}`).join(', ');
      const limited = opts.limit !== undefined && opts.limit < total ? ` after limit ${opts.limit}` : '';
      throw new DataError(`${file}: class '${classNames[c]}' has ${sizes[c]} example(s)${limited}, too few for the requested splits (it would get ${want}); every class needs at least one example in each non-empty split`);
    }
  }

  const indices: Record<SplitName, number[]> = { train: [], validation: [], test: [], calibration: [] };
  const counts: Record<SplitName, number[]> = { train: [], validation: [], test: [], calibration: [] };
  const trainByClass: number[][] = [];
  byClass.forEach((members, c) => {
    let at = 0;
    for (const split of MAIN) {
      const take = alloc[split][c] as number;
      const part = members.slice(at, at + take);
      at += take;
      for (const i of part) indices[split].push(i);
      counts[split][c] = take;
      if (split === 'train') trainByClass[c] = part;
    }
  });

  const calTotal = Math.min(Math.max(0, Math.floor(opts.calibration)), indices.train.length);
  const calAlloc = allocate(calTotal, alloc.train);
  for (let c = 0; c < k; c++) {
    const pool = shuffleInPlace([...(trainByClass[c] as number[])], rngFor(opts.seed, 'calibration', c));
    const take = calAlloc[c] as number;
    for (let j = 0; j < take; j++) indices.calibration.push(pool[j] as number);
    counts.calibration[c] = take;
  }
  for (const s of SPLITS) indices[s].sort((a, b) => a - b);
  return { indices, counts };
}
