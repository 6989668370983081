/**
 * Largest-remainder (Hamilton) apportionment: split `total` items across groups in proportion to
 * `weights`, never giving a group more than its `caps` entry. Each group first gets the floor of
 * its quota (capped); the rest go one at a time by largest fractional part, ties to the lower
 * group index, skipping full groups. Deterministic and exact: the result sums to `total`
 * (throws when the caps cannot hold it).
 */
export function allocate(total: number, weights: readonly number[], caps: readonly number[] = weights): number[] {
  const sumW = weights.reduce((a, b) => a + b, 0);
  const capTotal = caps.reduce((a, b) => a + b, 0);
  if (total > capTotal) throw new Error(`cannot place ${total} items in groups holding ${capTotal}`);
  if (total === 0 || sumW === 0) {
    if (total !== 0) throw new Error('cannot apportion items over zero weights');
    return weights.map(() => 0);
  }
  const quotas = weights.map((w) => (total * w) / sumW);
  const out = quotas.map((q, i) => Math.min(Math.floor(q), caps[i] ?? 0));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, i) => ({ i, frac: q - Math.floor(q) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i)
    .map((x) => x.i);
  while (left > 0) {
    let placed = false;
    for (const i of order) {
      if (left === 0) break;
      if ((out[i] as number) < (caps[i] ?? 0)) {
        out[i] = (out[i] as number) + 1;
        left--;
        placed = true;
      }
    }
    if (!placed) throw new Error('apportionment did not converge');
  }
  return out;
}
