/**
 * Each score and fusion is its own cached node: through the executor, a second run runs
 * nothing, and changing `bins` on one signal reruns that score and the fusions that read it,
 * never the capture or the other scores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeType } from '../../src/artifacts/index.js';
import { makeRig, statuses, type NodeSpec } from '../util/exec-rig.js';
import { makeWorld } from './signals-rig.js';

const worldType: NodeType<Record<string, unknown>> = {
  type: 'fake/world',
  version: 1,
  description: 'a tiny stored model and dataset',
  params: {},
  inputs: {},
  outputs: { model: { type: 'model', description: 'model' }, data: { type: 'dataset', description: 'dataset' } },
  async run(ctx) {
    const w = await makeWorld(ctx);
    w.classifier.dispose();
    return { model: w.model.manifest, data: w.data.manifest };
  },
};

function graph(bins: number): Record<string, NodeSpec> {
  const model = { node: 'world', port: 'model' };
  const data = { node: 'world', port: 'data' };
  const signals = { node: 'signals', port: 'signals' };
  const score = (id: string) => ({ node: id, port: 'scores' });
  return {
    world: { type: 'fake/world' },
    signals: { type: 'signals/capture', params: { batch: 8 }, inputs: { model, data } },
    'score.mi': { type: 'score/task-relevance-mi', params: { bins }, inputs: { signals }, group: 'score' },
    'score.we': { type: 'score/weight-entropy', inputs: { signals }, group: 'score' },
    'score.ae': { type: 'score/attention-entropy', inputs: { signals }, group: 'score' },
    ablation: { type: 'prune/ablation', inputs: { model, data } },
    forest: { type: 'fuse/random-forest', params: { trees: 10 }, inputs: { scores: [score('score.mi'), score('score.we')], target: { node: 'ablation', port: 'ablation' } } },
    pair: { type: 'fuse/weighted-sum', params: { weights: { 'weight-entropy': 1, 'attention-entropy': 2 } }, inputs: { scores: [score('score.we'), score('score.ae')] } },
  };
}

void test('changing bins on one signal reruns that score and what reads it, nothing else', async (t) => {
  const rig = await makeRig();
  t.after(() => rig.cleanup());
  rig.types.set('fake/world', worldType as unknown as NodeType<never>);
  const opts = { workerFor: () => false, backend: 'cpu', writeLockFile: false };
  const first = await rig.run(rig.graph(graph(10)), opts);
  assert.equal(first.ok, true, JSON.stringify([...first.nodes.values()].map((n) => n.message).filter(Boolean)));
  assert.ok(Object.values(statuses(first)).every((s) => s === 'succeeded'));
  const second = await rig.run(rig.graph(graph(10)), opts);
  assert.ok(Object.values(statuses(second)).every((s) => s === 'cached'));
  const third = await rig.run(rig.graph(graph(4)), opts);
  const s = statuses(third);
  assert.equal(s['score.mi'], 'succeeded');
  for (const id of ['world', 'signals', 'score.we', 'score.ae', 'ablation', 'pair']) assert.equal(s[id], 'cached', id);
  // The forest reads the changed score: it reruns unless the new MI scores are byte-identical.
  const miChanged = JSON.stringify(third.nodes.get('score.mi')?.outputs) !== JSON.stringify(first.nodes.get('score.mi')?.outputs);
  assert.equal(s.forest, miChanged ? 'succeeded' : 'cached');
});
