import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toDot, toMermaid } from '../../src/dsl/index.js';
import { loadText } from '../util/dsl-schemas.js';

const text = `version: 1
name: tiny
nodes:
  d: {uses: dataset/spam-assassin}
  m:
    foreach: [1, 2]
    uses: model/train
    with: {data: "\${d}", epochs: "\${item}"}
  e:
    uses: util/echo
    needs: [d]
    with: {after: ["\${m.*}"]}
`;

void test('mermaid: clusters for expanded groups, edges labelled port → input, needs dashed', async () => {
  const g = (await loadText(text)).graph!;
  assert.equal(
    toMermaid(g),
    `flowchart LR
  subgraph g_n1["m"]
    n1["m.1<br/><small>model/train</small>"]
    n2["m.2<br/><small>model/train</small>"]
  end
  n0["d<br/><small>dataset/spam-assassin</small>"]
  n3["e<br/><small>util/echo</small>"]
  n0 -->|"dataset → data"| n1
  n0 -->|"dataset → data"| n2
  n1 -->|"model → after"| n3
  n2 -->|"model → after"| n3
  n0 -.->|"needs"| n3
`,
  );
});

void test('dot: same graph, uncached nodes dashed', async () => {
  const g = (await loadText(text)).graph!;
  assert.equal(
    toDot(g),
    `digraph "tiny" {
  rankdir=LR;
  node [shape=box, fontname="Helvetica"];
  edge [fontname="Helvetica", fontsize=10];
  subgraph "cluster_0" {
    label="m";
    "m.1" [label="m.1\\nmodel/train"];
    "m.2" [label="m.2\\nmodel/train"];
  }
  "d" [label="d\\ndataset/spam-assassin"];
  "e" [label="e\\nutil/echo", style=dashed];
  "d" -> "m.1" [label="dataset → data"];
  "d" -> "m.2" [label="dataset → data"];
  "m.1" -> "e" [label="model → after"];
  "m.2" -> "e" [label="model → after"];
  "d" -> "e" [label="needs", style=dashed];
}
`,
  );
});
