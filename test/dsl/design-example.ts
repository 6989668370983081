/**
 * The pipeline of docs/design.md "The pipeline DSL", against the fake node types
 * (test/util/dsl-fake-types.ts).
 */
export const designExample = `version: 1
name: default
params:
  seed: 42
  layers: 6                 # overridable: --set layers=12
nodes:
  data:
    uses: dataset/spam-assassin
    with:
      task: lists
      seed: \${params.seed}
  base:
    uses: model/train
    with:
      data: \${data}
      layers: \${params.layers}
      epochs: 2
  signals:
    uses: signals/capture
    with:
      model: \${base}
      data: \${data}
  score:
    foreach: [weight-entropy, task-relevance-mi, attention-entropy]
    uses: score/\${item}
    with:
      signals: \${signals}
  random:
    uses: score/random
    with:
      model: \${base}
      seed: \${params.seed}
  ablation:
    uses: prune/ablation
    with:
      model: \${base}
      data: \${data}
  fuse:
    uses: fuse/random-forest
    with:
      scores: \${score.*}
      target: \${ablation}
  curve:
    foreach: ["\${score.*}", "\${random}", "\${fuse}"]   # a glob expands to its nodes
    uses: prune/sequential
    with:
      model: \${base}
      data: \${data}
      order: \${item}
  report:
    uses: report/paper
    with:
      curves: \${curve.*}
`;
