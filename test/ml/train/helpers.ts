/** A synthetic classification task and its seeded batches, for the training tests (WASM and WebGPU). */
import type { Batch } from '../../../src/ml/types.js';

/** Class = which marker token (5, 6 or 7) appears somewhere among random filler tokens 10..29. */
export function synthetic(n: number, seed: number): { rows: number[][]; labels: number[] } {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    const len = 3 + Math.floor(rand() * 6);
    const body = Array.from({ length: len }, () => 10 + Math.floor(rand() * 20));
    body[Math.floor(rand() * len)] = 5 + y;
    rows.push([2, ...body, 3]);
    labels.push(y);
  }
  return { rows, labels };
}

export function batchesOf(data: { rows: number[][]; labels: number[] }, size: number, epoch: number, seed: number): Batch[] {
  const order = data.rows.map((_, i) => i);
  let s = (seed * 31 + epoch) >>> 0;
  for (let i = order.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const out: Batch[] = [];
  for (let at = 0; at < order.length; at += size) {
    const idx = order.slice(at, at + size);
    const S = Math.max(...idx.map((i) => data.rows[i]!.length));
    const ids = new Int32Array(idx.length * S);
    const mask = new Int32Array(idx.length * S);
    idx.forEach((i, r) => {
      ids.set(data.rows[i]!, r * S);
      mask.fill(1, r * S, r * S + data.rows[i]!.length);
    });
    out.push({ batchSize: idx.length, seqLen: S, inputIds: ids, attentionMask: mask, labels: Int32Array.from(idx, (i) => data.labels[i]!) });
  }
  return out;
}
