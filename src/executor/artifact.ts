/** Artifact digests: a content hash of {type, manifest}, so identical outputs share a digest. */
import type { Manifest, PortType } from '../nodes/types.js';
import { digestOf } from './canonical-json.js';

export function artifactDigest(type: PortType, manifest: Manifest): string {
  return digestOf({ type, manifest });
}
