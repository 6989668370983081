/** The paper's twelve layer-importance signals, by node type name (score/<name>), in its order. */
export const PAPER_SIGNALS = [
  'activation-intensity',
  'activation-energy',
  'activation-inhibition',
  'task-relevance-mi',
  'flow-relevance-mi',
  'gradient-magnitudes',
  'gradient-fisher',
  'weight-norm',
  'weight-sparsity',
  'weight-entropy',
  'attention-weight',
  'attention-entropy',
] as const;
