/**
 * What every node body gets from family(): its run module loaded once, on first use; params
 * with schema defaults; inputs checked against the declared ports; ml's InputErrors as
 * NodeErrors naming the node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, makeArtifact, NodeError, type NodeContext, type NodeDecl, type RestoreContext } from '../../src/artifacts/index.js';
import { family, implement, withDefaults, type RunModule } from '../../src/nodes/family.js';

interface P {
  n: number;
  tags: string[];
  label?: string;
}

const restored: P[] = [];

const decl: NodeDecl<P> = {
  type: 'test/echo',
  version: 1,
  description: 'echo',
  params: {
    n: { type: 'integer', default: 3 },
    tags: { type: 'array', items: { type: 'string' }, default: ['x'] },
    label: { type: 'string' },
  },
  inputs: { data: { type: 'dataset', description: 'd' }, extra: { type: 'json', description: 'e', optional: true } },
  outputs: { out: { type: 'json', description: 'o' } },
  inputFiles: (p) => p.tags,
  restore: async (_ctx, p) => {
    restored.push(p);
  },
};
const failing: NodeDecl = { ...decl, type: 'test/fail', inputFiles: undefined, restore: undefined } as NodeDecl;

const ctx = { nodeId: 'n1' } as NodeContext;
const data = makeArtifact('dataset', { rows: 2 }, { node: 'up', port: 'dataset' });

function counting(impls: RunModule['default']): { load: () => Promise<RunModule>; loads: () => number } {
  let loads = 0;
  return {
    load: () => {
      loads++;
      return Promise.resolve({ default: impls });
    },
    loads: () => loads,
  };
}

void test('withDefaults fills absent params from the schema, as copies', () => {
  const a = withDefaults(decl as unknown as NodeDecl, { label: 'l' });
  assert.deepEqual(a, { label: 'l', n: 3, tags: ['x'] });
  (a.tags as string[]).push('mutated');
  assert.deepEqual(withDefaults(decl as unknown as NodeDecl, { n: 1 }), { n: 1, tags: ['x'] });
});

void test('bodies load once, on first run, and see defaults and checked inputs', async () => {
  const seen: unknown[] = [];
  const m = counting([
    implement(decl, async (_ctx, p, inputs) => {
      seen.push(p, inputs.one('data').manifest, inputs.optional('extra'));
      return { out: p.n };
    }),
    implement(failing, async () => {
      throw new InputError('bad rows');
    }),
  ]);
  const [echo, fail] = family([decl, failing] as unknown as NodeDecl<never>[], m.load);
  assert.equal(m.loads(), 0, 'declaring loads nothing');
  assert.equal(echo!.type, 'test/echo');
  assert.deepEqual(await echo!.run(ctx, {} as never, { data }), { out: 3 });
  assert.deepEqual(seen, [{ n: 3, tags: ['x'] }, { rows: 2 }, undefined]);
  await echo!.run(ctx, { n: 5 } as never, { data });
  await assert.rejects(fail!.run(ctx, {} as never, { data }), (e: Error) => e instanceof NodeError && e.message === 'n1: bad rows');
  assert.equal(m.loads(), 1, 'one load for every type and run of the family');
  await assert.rejects(echo!.run(ctx, {} as never, {}), (e: Error) => e instanceof NodeError && e.message === 'n1: input data must be one dataset');
  assert.deepEqual(echo!.inputFiles!({} as never), ['x'], 'hooks see defaults too');
  await echo!.restore!({ pipelineDir: '/p' } as RestoreContext, { n: 1 } as never, {});
  assert.deepEqual(restored, [{ n: 1, tags: ['x'] }]);
});

void test('a run module that lacks a declared body (or has an undeclared one) is refused by name', async () => {
  const [echo] = family([decl, failing] as unknown as NodeDecl<never>[], counting([implement(decl, async () => ({ out: 1 }))]).load);
  await assert.rejects(echo!.run(ctx, {} as never, { data }), /no body for test\/fail/);
  const [only] = family([decl] as unknown as NodeDecl<never>[], counting([implement(decl, async () => ({ out: 1 })), implement(failing, async () => ({}))]).load);
  await assert.rejects(only!.run(ctx, {} as never, { data }), /bodies for undeclared test\/fail/);
});
