/**
 * The expanded graph as Mermaid (`flowchart LR`) or Graphviz DOT, for `layerfuse dag`. Nodes
 * expanded from one written node are drawn in a box named after it; an edge is labelled with
 * the input it feeds (and the output port when not the default); `needs` edges are dashed.
 */
import type { InputRef, PipelineGraph, ResolvedNode } from './types.js';

interface DagEdge {
  from: string;
  to: string;
  label: string;
  needs: boolean;
}

function edgesOf(graph: PipelineGraph): DagEdge[] {
  const out: DagEdge[] = [];
  for (const n of graph.nodes.values()) {
    for (const [input, refs] of Object.entries(n.inputs)) {
      for (const r of ([] as InputRef[]).concat(refs)) out.push({ from: r.node, to: n.id, label: `${r.port} → ${input}`, needs: false });
    }
    for (const d of n.needs) out.push({ from: d, to: n.id, label: 'needs', needs: true });
  }
  return out;
}

/** Groups drawn as a box: written nodes that were expanded (their instance ids differ). */
function clusters(graph: PipelineGraph): Map<string, ResolvedNode[]> {
  const groups = new Map<string, ResolvedNode[]>();
  for (const n of graph.nodes.values()) {
    if (n.id === n.group) continue;
    const list = groups.get(n.group) ?? [];
    list.push(n);
    groups.set(n.group, list);
  }
  return groups;
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;');
}

export function toMermaid(graph: PipelineGraph): string {
  const key = new Map<string, string>();
  [...graph.nodes.keys()].forEach((id, i) => key.set(id, `n${i}`));
  const lines = ['flowchart LR'];
  const nodeLine = (n: ResolvedNode, indent: string): string => `${indent}${key.get(n.id)}["${mermaidText(n.id)}<br/><small>${mermaidText(n.type)}</small>"]`;
  const grouped = clusters(graph);
  const inCluster = new Set<string>();
  for (const [group, members] of grouped) {
    lines.push(`  subgraph g_${key.get(members[0]!.id)}["${mermaidText(group)}"]`);
    for (const m of members) {
      lines.push(nodeLine(m, '    '));
      inCluster.add(m.id);
    }
    lines.push('  end');
  }
  for (const n of graph.nodes.values()) if (!inCluster.has(n.id)) lines.push(nodeLine(n, '  '));
  for (const e of edgesOf(graph)) {
    const arrow = e.needs ? '-.->' : '-->';
    lines.push(`  ${key.get(e.from)} ${arrow}|"${mermaidText(e.label)}"| ${key.get(e.to)}`);
  }
  return lines.join('\n') + '\n';
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function toDot(graph: PipelineGraph): string {
  const lines = [`digraph ${dotString(graph.name)} {`, '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const nodeLine = (n: ResolvedNode, indent: string): string =>
    `${indent}${dotString(n.id)} [label=${dotString(`${n.id}\n${n.type}`)}${n.cache ? '' : ', style=dashed'}];`;
  const grouped = clusters(graph);
  const inCluster = new Set<string>();
  let i = 0;
  for (const [group, members] of grouped) {
    lines.push(`  subgraph ${dotString(`cluster_${i++}`)} {`, `    label=${dotString(group)};`);
    for (const m of members) {
      lines.push(nodeLine(m, '    '));
      inCluster.add(m.id);
    }
    lines.push('  }');
  }
  for (const n of graph.nodes.values()) if (!inCluster.has(n.id)) lines.push(nodeLine(n, '  '));
  for (const e of edgesOf(graph)) {
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(e.label)}${e.needs ? ', style=dashed' : ''}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
