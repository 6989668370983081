/** The vocabulary every layer shares (a leaf: imports nothing of ours). */
export type {
  Artifact,
  BlobRef,
  DType,
  FilesManifest,
  ComputeSettings,
  InputArtifacts,
  JsonSchema,
  Manifest,
  OutputManifests,
  PortType,
  Progress,
  TensorData,
  TensorRef,
} from './types.js';
export type { NodeContext, PipelineInfo, RestoreContext } from './node-context.js';
export type { CheckContext, InputFacts, InputFactsMap, NodeDecl, NodeType, Params, PortDecl, StaticFacts } from './node-type.js';
export { NodeInputs, type ManifestReader } from './inputs.js';
export { InputError, NodeError } from './errors.js';
export { artifactDigest, makeArtifact } from './artifact.js';
export { canonicalJson, digestOf, prettyCanonicalJson, sha256Hex } from './canonical-json.js';
export { SafetensorsError, TENSOR_NAME, decodeSafetensors, decodeTensor, encodeSafetensors, encodeTensor, readSafetensors, writeSafetensors, type DecodeOptions } from './safetensors.js';
