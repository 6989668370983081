/**
 * Pure graph functions over string ids (house style: lage `target-graph`). Written here rather
 * than taken from @dagrejs/graphlib because we need what it does not give: a topological order
 * with ties broken by id (deterministic output; this is the code base's one topological sort, the
 * executor runs in the order it gives), a cycle as a trail of edges starting from its smallest id
 * (graphlib's `findCycles` returns unordered components), and iteration: graphlib's `tarjan`,
 * `topsort` and `preorder` recurse once per node of a chain and overflow the stack on chains of
 * 4,000 nodes (measured with @dagrejs/graphlib 4.0.6; a 20,000-node cycle is tested here).
 *
 * Edges point from a node to the nodes it feeds (`succ`), i.e. data-flow direction.
 */

/** A binary min-heap of strings, for the ready set of Kahn's algorithm. */
class MinHeap {
  private readonly a: string[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: string): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): string | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mv = last;
        if (l < a.length && a[l]! < mv) {
          m = l;
          mv = a[l]!;
        }
        if (r < a.length && a[r]! < mv) m = r;
        if (m === i) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * Topological order (producers before consumers); among ready nodes the smallest id first.
 * Nodes on a cycle (and everything after them) are left out: check with `cycles` first.
 */
export function topoOrder(nodes: Iterable<string>, succ: (n: string) => Iterable<string>): string[] {
  const indeg = new Map<string, number>();
  for (const n of nodes) if (!indeg.has(n)) indeg.set(n, 0);
  for (const n of indeg.keys()) for (const s of new Set(succ(n))) if (indeg.has(s)) indeg.set(s, indeg.get(s)! + 1);
  const ready = new MinHeap();
  for (const [n, d] of indeg) if (d === 0) ready.push(n);
  const order: string[] = [];
  while (ready.size > 0) {
    const n = ready.pop()!;
    order.push(n);
    for (const s of new Set(succ(n))) {
      const d = indeg.get(s);
      if (d === undefined) continue;
      indeg.set(s, d - 1);
      if (d === 1) ready.push(s);
    }
  }
  return order;
}

/** Strongly connected components (Tarjan, iterative so deep graphs cannot overflow the stack). */
export function stronglyConnected(nodes: Iterable<string>, succ: (n: string) => Iterable<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const all = [...new Set(nodes)];
  const known = new Set(all);
  for (const root of all) {
    if (index.has(root)) continue;
    const work: Array<{ n: string; it: Iterator<string> }> = [];
    const enter = (n: string): void => {
      index.set(n, counter);
      low.set(n, counter);
      counter++;
      stack.push(n);
      onStack.add(n);
      work.push({ n, it: [...succ(n)].filter((s) => known.has(s))[Symbol.iterator]() });
    };
    enter(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const next = top.it.next();
      if (!next.done) {
        const s = next.value;
        if (!index.has(s)) enter(s);
        else if (onStack.has(s)) low.set(top.n, Math.min(low.get(top.n)!, index.get(s)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.n, Math.min(low.get(parent.n)!, low.get(top.n)!));
      if (low.get(top.n) === index.get(top.n)) {
        const comp: string[] = [];
        let x: string;
        do {
          x = stack.pop()!;
          onStack.delete(x);
          comp.push(x);
        } while (x !== top.n);
        out.push(comp);
      }
    }
  }
  return out;
}

/**
 * One cycle per strongly connected component that has one, as a trail `[a, b, ..., a]`: it
 * starts at the component's smallest id and takes the shortest way back, visiting successors
 * in id order, so the same graph always prints the same trail. Trails are sorted by first id.
 */
export function cycles(nodes: Iterable<string>, succ: (n: string) => Iterable<string>): string[][] {
  const trails: string[][] = [];
  for (const comp of stronglyConnected(nodes, succ)) {
    if (comp.length === 1) {
      const only = comp[0]!;
      if ([...succ(only)].includes(only)) trails.push([only, only]);
      continue;
    }
    const members = new Set(comp);
    const start = [...comp].sort()[0]!;
    const nexts = (n: string): string[] => [...new Set(succ(n))].filter((s) => members.has(s)).sort();
    // Breadth-first from start back to start, within the component.
    const prev = new Map<string, string>();
    const queue = [start];
    let found = false;
    for (let qi = 0; qi < queue.length && !found; qi++) {
      const n = queue[qi]!;
      for (const s of nexts(n)) {
        if (s === start) {
          prev.set(start, n);
          found = true;
          break;
        }
        if (!prev.has(s)) {
          prev.set(s, n);
          queue.push(s);
        }
      }
    }
    const trail = [start];
    for (let n = prev.get(start)!; n !== start; n = prev.get(n)!) trail.push(n);
    trail.push(start);
    // Built backwards from the closing edge: reverse the middle.
    trails.push([start, ...trail.slice(1, -1).reverse(), start]);
  }
  return trails.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
}
