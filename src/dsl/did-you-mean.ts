/**
 * "did you mean" suggestions by edit distance (optimal string alignment: insertions, deletions,
 * substitutions and adjacent transpositions, so `model/trian` finds `model/train`).
 */

export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rows suffice for the transposition rule.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** The closest candidate within a third of the longer length (at least 1), ties by name; else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = c.toLowerCase() === lower ? 0.5 : editDistance(lower, c.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(word.length, c.length) / 3));
    // Replacing every letter of a short word is no resemblance (`q` is not "close" to `a`).
    if (d > limit || d >= word.length) continue;
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean \`${c}\`?`;
}
