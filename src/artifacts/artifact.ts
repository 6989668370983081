/** Artifact digests: a content hash of {type, manifest}, so identical outputs share a digest. */
import { digestOf } from './canonical-json.js';
import type { Artifact, Manifest, PortType } from './types.js';

export function artifactDigest(type: PortType, manifest: Manifest): string {
  return digestOf({ type, manifest });
}

/** An artifact as a node receives it, from its producer's output (for tests and tools that feed nodes by hand). */
export function makeArtifact(type: PortType, manifest: Manifest, from: { node: string; port: string }): Artifact {
  return { type, manifest, digest: artifactDigest(type, manifest), from };
}
