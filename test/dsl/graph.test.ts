import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycles, stronglyConnected, topoOrder } from '../../src/dsl/graph.js';

function succOf(edges: Array<[string, string]>): (n: string) => string[] {
  const m = new Map<string, string[]>();
  for (const [a, b] of edges) m.set(a, [...(m.get(a) ?? []), b]);
  return (n) => m.get(n) ?? [];
}

void test('topoOrder: producers first, ready ties by id', () => {
  const succ = succOf([['c', 'a'], ['b', 'a'], ['d', 'c']]);
  assert.deepEqual(topoOrder(['a', 'b', 'c', 'd', 'e'], succ), ['b', 'd', 'c', 'a', 'e']);
});

void test('topoOrder ignores duplicate edges and edges to unknown nodes', () => {
  const succ = succOf([['a', 'b'], ['a', 'b'], ['a', 'zzz']]);
  assert.deepEqual(topoOrder(['b', 'a'], succ), ['a', 'b']);
});

void test('topoOrder leaves out nodes on or after a cycle', () => {
  const succ = succOf([['a', 'b'], ['b', 'a'], ['b', 'c'], ['x', 'y']]);
  assert.deepEqual(topoOrder(['a', 'b', 'c', 'x', 'y'], succ), ['x', 'y']);
});

void test('stronglyConnected finds components (iteratively, deep chains are fine)', () => {
  const n = 20000;
  const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
  const succ = (x: string): string[] => {
    const i = Number(x.slice(1));
    return i + 1 < n ? [`n${i + 1}`] : ['n0'];
  };
  const comps = stronglyConnected(nodes, succ);
  assert.equal(comps.length, 1);
  assert.equal(comps[0]!.length, n);
});

void test('cycles: one trail per component, from its smallest id, shortest way back, sorted', () => {
  const succ = succOf([
    ['d', 'b'], ['b', 'c'], ['c', 'd'], ['c', 'b'], // component {b, c, d}
    ['z', 'z'], // self loop
    ['x', 'y'], // acyclic
  ]);
  assert.deepEqual(cycles(['z', 'x', 'y', 'd', 'c', 'b'], succ), [
    ['b', 'c', 'b'],
    ['z', 'z'],
  ]);
});

void test('cycles on an acyclic graph is empty', () => {
  assert.deepEqual(cycles(['a', 'b'], succOf([['a', 'b']])), []);
});
