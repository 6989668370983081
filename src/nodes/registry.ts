/**
 * The one frozen catalogue of node types. Adding a node kind is one import and one entry here.
 * Node modules must not import src/ml at top level (see types.ts).
 */
import type { NodeType } from './types.js';
import { shellNodes } from './shell.js';
import { modelNodes } from './model.js';
import { signalsNodes } from './signals.js';
import { scoreNodes } from './score.js';
import { fuseNodes } from './fuse.js';
import { pruneNodes } from './prune.js';
import { datasetNodes } from './dataset.js';
import { tokenizerNodes } from './tokenizer.js';
import { evaluateNodes } from './evaluate.js';

const families: ReadonlyArray<ReadonlyArray<NodeType<never>>> = [
  shellNodes,
  modelNodes,
  signalsNodes,
  scoreNodes,
  fuseNodes,
  pruneNodes,
  datasetNodes,
  tokenizerNodes,
  evaluateNodes,
];

function build(): ReadonlyMap<string, NodeType<never>> {
  const map = new Map<string, NodeType<never>>();
  for (const family of families) {
    for (const node of family) {
      if (map.has(node.type)) throw new Error(`duplicate node type ${node.type}`);
      map.set(node.type, Object.freeze(node));
    }
  }
  return map;
}

export const registry: ReadonlyMap<string, NodeType<never>> = build();

export function getNodeType(type: string): NodeType<never> | undefined {
  return registry.get(type);
}
