import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, makeArtifact, NodeError, NodeInputs, type PortDecl } from '../../src/artifacts/index.js';

const ports: Record<string, PortDecl> = {
  data: { type: 'dataset', description: 'd' },
  scores: { type: 'scores', description: 's', many: true, optional: true },
  any: { type: 'any', description: 'a', optional: true },
};
const ds = makeArtifact('dataset', { format: 'ds', n: 1 }, { node: 'data', port: 'dataset' });
const sc = (n: number) => makeArtifact('scores', { format: 'sc', n }, { node: `score.${n}`, port: 'scores' });
const read = (m: unknown, what: string): { n: number } => {
  if ((m as { format?: string }).format !== 'ds') throw new InputError(`${what}: not a ds manifest`);
  return m as { n: number };
};

void test('one: the artifact of the declared type, or its manifest read; complaints name the node and port', () => {
  const inputs = new NodeInputs('node1', ports, { data: ds, scores: [sc(1), sc(2)] });
  assert.equal(inputs.one('data'), ds);
  assert.deepEqual(inputs.one('data', read), { format: 'ds', n: 1 });
  assert.throws(() => inputs.one('scores'), (e: Error) => e instanceof NodeError && e.message === 'node1: input scores must be one scores');
  assert.throws(() => new NodeInputs('node1', ports, { data: sc(1) }).one('data'), /^NodeError: node1: input data must be one dataset$/);
  assert.throws(() => new NodeInputs('node1', ports, { data: { ...ds, manifest: {} } }).one('data', read), /^InputError: input data \(from data\.dataset\): not a ds manifest$/);
  assert.throws(() => inputs.one('nope'), /declares no input port 'nope'/);
});

void test('optional and many: absent ports are undefined or empty; a single artifact is a list of one', () => {
  const inputs = new NodeInputs('n', ports, { data: ds, any: sc(3) });
  assert.equal(inputs.optional('scores'), undefined);
  assert.deepEqual(inputs.many('scores'), []);
  assert.equal(inputs.one('any'), inputs.optional('any'), "an 'any' port takes every type");
  const many = new NodeInputs('n', ports, { scores: sc(1) });
  assert.deepEqual(many.many('scores', (m) => (m as { n: number }).n), [1]);
  assert.throws(() => new NodeInputs('n', ports, { scores: [sc(1), ds] }).many('scores'), /input scores takes scores artifacts, data\.dataset is dataset/);
});
