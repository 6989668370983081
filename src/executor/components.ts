/** Building a node's inputs and key components from its upstream outputs (run and plan share it). */
import type { InputRef, ResolvedNode } from '../dsl/types.js';
import type { Artifact, NodeType, PipelineInfo } from '../artifacts/index.js';
import type { OutputRecord } from './cache.js';
import { hashInputFiles } from './input-files.js';
import { KEY_VERSION, type KeyComponents } from './key.js';

export type NodeTypeLookup = (type: string) => NodeType<never> | undefined;

export type InputArtifacts = Record<string, Artifact | Artifact[]>;

/** Inputs as the node receives them, from the upstream nodes' output records. */
export function inputArtifacts(node: ResolvedNode, outputsOf: (id: string) => Record<string, OutputRecord> | undefined): InputArtifacts | undefined {
  const one = (ref: InputRef): Artifact | undefined => {
    const out = outputsOf(ref.node)?.[ref.port];
    if (!out) return undefined;
    return { type: out.type, manifest: out.manifest, digest: out.digest, from: { node: ref.node, port: ref.port } };
  };
  const inputs: InputArtifacts = {};
  for (const [port, ref] of Object.entries(node.inputs)) {
    if (Array.isArray(ref)) {
      const list: Artifact[] = [];
      for (const r of ref) {
        const a = one(r);
        if (!a) return undefined;
        list.push(a);
      }
      inputs[port] = list;
    } else {
      const a = one(ref);
      if (!a) return undefined;
      inputs[port] = a;
    }
  }
  return inputs;
}

/** `pipeline` joins the key only of node types that declare `pipelineInfo`. */
export async function keyComponents(node: ResolvedNode, type: NodeType<never>, inputs: InputArtifacts, pipelineDir: string, pipeline?: PipelineInfo): Promise<KeyComponents> {
  const digests: Record<string, string | string[]> = {};
  for (const [port, a] of Object.entries(inputs)) digests[port] = Array.isArray(a) ? a.map((x) => x.digest) : a.digest;
  const c: KeyComponents = {
    keyVersion: KEY_VERSION,
    type: node.type,
    typeVersion: type.version,
    params: node.params,
    inputs: digests,
  };
  if (type.inputFiles) {
    c.files = await hashInputFiles(node.id, pipelineDir, type.inputFiles(node.params as never));
  }
  if (type.pipelineInfo && pipeline) c.pipeline = { name: pipeline.name, params: pipeline.params };
  if (type.keyFacts) c.facts = { ...type.keyFacts(node.params as never) };
  return c;
}

/** The upstream node ids feeding one input port (for `input changed: base`). */
export function portSources(node: ResolvedNode, port: string): string[] {
  const ref = node.inputs[port];
  if (!ref) return [port];
  return [...new Set((Array.isArray(ref) ? ref : [ref]).map((r) => r.node))];
}
