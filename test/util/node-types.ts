/**
 * Running a real node type by hand (tests and benches that drive nodes without a pipeline): the
 * registry's node type for a declaration, with params that may leave defaults out, as the
 * executor's own callers may.
 */
import type { NodeDecl, NodeType } from '../../src/artifacts/index.js';
import { getNodeType } from '../../src/nodes/registry.js';

export function nodeType(decl: Pick<NodeDecl<never>, 'type'>): NodeType<Record<string, unknown>> {
  const t = getNodeType(decl.type);
  if (!t) throw new Error(`no registered node type ${decl.type}`);
  return t as unknown as NodeType<Record<string, unknown>>;
}
