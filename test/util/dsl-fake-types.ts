/**
 * Declaration-only node types shaped like the design's pipeline (dataset -> model -> signals ->
 * scores -> fusion -> curves -> report), for DSL tests and the planning bench. The DSL only
 * ever sees their schemas, so they are declarations without a run.
 */
import type { NodeDecl, PortDecl } from '../../src/artifacts/index.js';

function port(type: PortDecl['type'], extra: Partial<PortDecl> = {}): PortDecl {
  return { type, description: `a ${type}`, ...extra };
}

function t(decl: Omit<NodeDecl<never>, 'version'> & { version?: number }): NodeDecl<never> {
  return { version: 1, ...decl };
}

const scoreTypes = ['weight-entropy', 'task-relevance-mi', 'attention-entropy'].map((s) =>
  t({
    type: `score/${s}`,
    description: `the ${s} score`,
    params: { split: { type: 'string', enum: ['train', 'validation', 'calibration'], default: 'calibration', description: 'which split' } },
    inputs: { signals: port('signals') },
    outputs: { scores: port('scores') },
  }),
);

export const fakeNodeTypes: NodeDecl<never>[] = [
  t({
    type: 'dataset/spam-assassin',
    description: 'a dataset',
    params: {
      task: { type: 'string', default: 'lists', description: 'which task' },
      seed: { type: 'integer', default: 0, description: 'split seed' },
      fraction: { type: 'number', minimum: 0, maximum: 1, default: 1, description: 'subsample' },
    },
    inputs: {},
    outputs: { dataset: port('dataset'), stats: port('json') },
  }),
  t({
    type: 'model/train',
    description: 'train a small model',
    params: {
      layers: { type: 'integer', minimum: 1, default: 6, description: 'encoder layers' },
      lr: { type: 'number', default: 0.001, description: 'learning rate' },
      epochs: { type: 'integer', minimum: 1, description: 'epochs' },
      tags: { type: 'array', items: { type: 'string' }, default: [], description: 'labels' },
    },
    required: ['epochs'],
    inputs: { data: port('dataset') },
    outputs: { model: port('model'), metrics: port('json') },
    resources: { gpu: 1 },
    worker: true,
  }),
  t({
    type: 'signals/capture',
    description: 'capture signals',
    params: {},
    inputs: { model: port('model'), data: port('dataset') },
    outputs: { signals: port('signals') },
  }),
  ...scoreTypes,
  t({
    type: 'score/random',
    description: 'a random order',
    params: { seed: { type: 'integer', default: 0, description: 'seed' } },
    inputs: { model: port('model') },
    outputs: { scores: port('scores') },
  }),
  t({
    type: 'prune/ablation',
    description: 'ablation',
    params: {},
    inputs: { model: port('model'), data: port('dataset') },
    outputs: { ablation: port('ablation') },
  }),
  t({
    type: 'fuse/random-forest',
    description: 'fuse scores',
    params: { trees: { type: 'integer', default: 100, description: 'trees' } },
    inputs: { scores: port('scores', { many: true }), target: port('ablation') },
    outputs: { fusion: port('scores') },
  }),
  t({
    type: 'prune/sequential',
    description: 'pruning curve',
    params: {},
    inputs: { model: port('model'), data: port('dataset'), order: port('scores') },
    outputs: { curve: port('evaluation') },
  }),
  t({
    type: 'report/paper',
    description: 'the report',
    params: { title: { type: 'string', default: 'Report', description: 'title' } },
    inputs: { curves: port('evaluation', { many: true }), extra: port('any', { optional: true }) },
    outputs: { report: port('files', { publish: true }) },
  }),
  t({
    type: 'util/echo',
    description: 'echo a value; not cacheable',
    params: { value: { description: 'anything' }, n: { type: 'number', default: 1, description: 'a number' } },
    inputs: { after: port('any', { many: true, optional: true }) },
    outputs: { out: port('json') },
    cacheable: false,
  }),
  t({
    type: 'util/shell',
    description: 'a command that reads its data inputs as files',
    params: { run: { type: 'string', description: 'the command' }, note: { type: 'string', default: '', description: 'text' } },
    required: ['run'],
    inputs: { data: port('any', { many: true, optional: true }), after: port('any', { many: true, optional: true }) },
    outputs: { files: port('files') },
    inputPaths: { params: ['run'], ports: ['data'] },
  }),
  t({
    type: 'util/sink',
    description: 'no outputs',
    params: {},
    inputs: { in: port('any', { optional: true }) },
    outputs: {},
  }),
];
