/**
 * The one frozen catalogue of node types. Adding a node family is one import and one entry
 * here; its declarations load with this module, its run bodies on first use (family.ts).
 */
import type { NodeType } from '../artifacts/node-type.js';
import { datasetNodes } from './dataset.js';
import { evaluateNodes } from './evaluate.js';
import { fuseNodes } from './fuse.js';
import { modelNodes } from './model.js';
import { pruneNodes } from './prune.js';
import { reportNodes } from './report.js';
import { scoreNodes } from './score.js';
import { shellNodes } from './shell.js';
import { signalsNodes } from './signals.js';
import { tokenizerNodes } from './tokenizer.js';

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
  reportNodes,
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

/**
 * What a worker process calls when its node is done: frees what the node's tensor work left
 * holding the process open (see run/release.ts, loaded lazily as run modules are). Returns the
 * problems met (best effort: the node's result stands either way).
 */
export async function releaseNodeResources(): Promise<string[]> {
  const { releaseNodeResources: release } = await import('./run/release.js');
  return release();
}
