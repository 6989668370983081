/**
 * Least squares with an intercept (docs/method.md): the intercept is not penalised; the slope is
 * the minimum-norm solution through the pseudo-inverse of the centred features (so with as many
 * features as layers, where the system is under-determined, it interpolates), or the ridge solution
 * (X'X + lambda I)^-1 X'y on centred data when `ridge` > 0 (scikit-learn's convention).
 */
import { Matrix, pseudoInverse, solve } from 'ml-matrix';
import { FusionInputError } from './errors.js';

export interface LinearModel {
  intercept: number;
  coefficients: number[];
}

export function fitLinear(x: ReadonlyArray<readonly number[]>, y: readonly number[], ridge = 0): LinearModel {
  const n = x.length;
  if (n === 0) throw new FusionInputError('linear regression on no rows');
  if (y.length !== n) throw new FusionInputError(`linear regression: ${n} feature rows, ${y.length} targets`);
  if (!(ridge >= 0)) throw new FusionInputError(`ridge must be >= 0, got ${ridge}`);
  const k = x[0]?.length ?? 0;
  const xm = new Array<number>(k).fill(0);
  for (const row of x) {
    if (row.length !== k) throw new FusionInputError(`linear regression: rows of ${row.length} and ${k} features`);
    row.forEach((v, j) => (xm[j]! += v / n));
  }
  const ym = y.reduce((a, b) => a + b, 0) / n;
  if (k === 0) return { intercept: ym, coefficients: [] };
  const xc = new Matrix(x.map((row) => row.map((v, j) => v - (xm[j] as number))));
  const yc = Matrix.columnVector(y.map((v) => v - ym));
  let beta: Matrix;
  if (ridge > 0) {
    const xt = xc.transpose();
    const a = xt.mmul(xc);
    for (let j = 0; j < k; j++) a.set(j, j, a.get(j, j) + ridge);
    beta = solve(a, xt.mmul(yc));
  } else {
    beta = pseudoInverse(xc).mmul(yc);
  }
  const coefficients = beta.getColumn(0);
  const intercept = ym - coefficients.reduce((s, b, j) => s + b * (xm[j] as number), 0);
  return { intercept, coefficients };
}

export function predictLinear(m: LinearModel, x: ReadonlyArray<readonly number[]>): number[] {
  return x.map((row) => row.reduce((s, v, j) => s + v * (m.coefficients[j] as number), m.intercept));
}

/**
 * Standardized coefficients: slope times the feature's standard deviation over the training
 * rows (the features are z-scored per model, so this is 1 in-sample, except 0 for a constant
 * column); their absolute values rank the signals.
 */
export function standardizedCoefficients(m: LinearModel, x: ReadonlyArray<readonly number[]>): number[] {
  const n = x.length;
  return m.coefficients.map((b, j) => {
    let mean = 0;
    for (const row of x) mean += (row[j] as number) / n;
    let ss = 0;
    for (const row of x) ss += ((row[j] as number) - mean) ** 2;
    return b * Math.sqrt(ss / n);
  });
}
