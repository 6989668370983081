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
 * What a worker process calls before each job: `retain` says whether it will serve more jobs,
 * so that caches run modules keep by content digest (a loaded model, an inference engine,
 * tokenized splits) may outlive the job, bounded; without it nodes free them when done.
 * Reaches src/ml through a lazily loaded run module (run/release.ts), as node bodies do.
 */
export async function retainNodeResources(retain: boolean): Promise<void> {
  const { retainNodeResources: retainIn } = await import('./run/release.js');
  retainIn(retain);
}

/**
 * What a worker process calls before it exits: frees what tensor work left holding the process
 * open (Dawn's GPU device on WebGPU, whose live handle can keep Node from exiting) and whatever
 * caches it retained. Returns the problems met (best effort: the node's result stands either way).
 */
export async function releaseNodeResources(): Promise<string[]> {
  const { releaseNodeResources: release } = await import('./run/release.js');
  return release();
}
