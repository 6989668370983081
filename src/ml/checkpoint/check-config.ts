/**
 * config.json against the tensors model.safetensors declares, from the header alone and before
 * anything is allocated: a config that disagrees with the file (`num_hidden_layers: 1000000000`
 * beside four layers of weights) would otherwise size the model from the config and abort the
 * worker out of memory. Every disagreement is listed, by config.json field.
 */
import { layerOfName } from '../bert/names.js';
import type { BertConfig } from '../types.js';
import { CheckpointError } from './errors.js';

/** Which config field each dimension of a tensor (canonical name) must equal. */
const DIMS: ReadonlyArray<[tensor: string, fields: Array<[field: string, key: keyof BertConfig] | undefined>]> = [
  ['bert.embeddings.word_embeddings.weight', [['vocab_size', 'vocabSize'], ['hidden_size', 'hiddenSize']]],
  ['bert.embeddings.position_embeddings.weight', [['max_position_embeddings', 'maxPositions'], ['hidden_size', 'hiddenSize']]],
  ['bert.embeddings.token_type_embeddings.weight', [['type_vocab_size', 'typeVocabSize'], ['hidden_size', 'hiddenSize']]],
  ['bert.encoder.layer.0.intermediate.dense.weight', [['intermediate_size', 'intermediateSize'], ['hidden_size', 'hiddenSize']]],
  ['classifier.weight', [['num_labels (or id2label, or the labels given)', 'numLabels'], ['hidden_size', 'hiddenSize']]],
];

/**
 * @param shapes tensor shapes by canonical name (see normalizeTensors), from the header
 * @param configFile, weightsFile how messages name the two files
 */
export function checkConfigAgainstShapes(config: BertConfig, shapes: ReadonlyMap<string, readonly number[]>, configFile: string, weightsFile: string): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [tensor, fields] of DIMS) {
    const shape = shapes.get(tensor);
    if (!shape) continue; // a missing tensor is the loader's own, later, error
    fields.forEach((f, d) => {
      if (!f || seen.has(f[0])) return;
      const want = config[f[1]] as number;
      if (shape[d] !== undefined && shape[d] !== want) {
        seen.add(f[0]);
        problems.push(`${f[0]} is ${want} but ${tensor} has shape ${JSON.stringify(shape)} (${f[0]} ${shape[d]})`);
      }
    });
  }
  let top = -1;
  for (const name of shapes.keys()) {
    const l = layerOfName(name);
    if (l !== undefined && l > top) top = l;
  }
  if (top + 1 !== config.numLayers) {
    const held = top < 0 ? 'no encoder layers' : `layers 0..${top} (${top + 1})`;
    problems.push(`num_hidden_layers is ${config.numLayers} but ${weightsFile} holds ${held}`);
  }
  if (problems.length > 0) throw new CheckpointError(`${configFile}: does not match ${weightsFile}:\n    ${problems.join('\n    ')}`);
}
