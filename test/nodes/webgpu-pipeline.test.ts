/**
 * Tensor nodes on WebGPU through the real CLI: workers load the tiny-bert fixture and evaluate it
 * with `--backend webgpu --engine tfjs` (evaluations run on ONNX Runtime otherwise), exit by themselves when done (releaseNodeResources), and record the
 * adapter in the run record that `layerfuse show` prints; a node in the gpu pool gets its adapter
 * from its slot (LAYERFUSE_WEBGPU_ADAPTERS -> LAYERFUSE_WEBGPU_ADAPTER), and an adapter that does
 * not exist fails the node with the list of those that do. Skips where no adapter can be had.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { listAdapters } from '../../src/ml/webgpu.js';
import { cli } from '../util/exec-cli.js';
import { repoRoot, sharedPath, skipWithoutShared } from '../util/shared.js';

async function noAdapter(): Promise<false | string> {
  try {
    return (await listAdapters()).length > 0 ? false : 'no WebGPU adapter here (Dawn lists none)';
  } catch (e) {
    return `no WebGPU adapter here (${(e as Error).message.split('\n')[0]})`;
  }
}

const skip = skipWithoutShared() || (await noAdapter());

void test('tensor nodes run on WebGPU in workers that exit, and the run record names the adapter', { skip, timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'layerfuse-webgpu-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(repoRoot, 'pipelines', 'tiny-bert-data.jsonl'), join(dir, 'data.jsonl'));
  writeFileSync(
    join(dir, 'p.yaml'),
    [
      'version: 1',
      'name: webgpu-check',
      'nodes:',
      '  data:',
      '    uses: dataset/jsonl',
      '    with: {path: data.jsonl, train: 0.5, validation: 0.5, test: 0, calibration: 8, seed: 1}',
      '  base:',
      '    uses: model/load',
      `    with: {path: ${JSON.stringify(relative(dir, sharedPath('fixtures', 'tiny-bert')))}}`,
      '  full:',
      '    uses: model/evaluate',
      '    resources: {gpu: 1}',
      '    with: {model: "${base}", data: "${data}", split: validation}',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, LAYERFUSE_WEBGPU_ADAPTERS: '0' };
  delete env.CUDA_VISIBLE_DEVICES;
  delete env.LAYERFUSE_WEBGPU_ADAPTER;
  const run = await cli(dir, ['run', 'p.yaml', '--backend', 'webgpu', '--engine', 'tfjs', '-j', '1'], env);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  for (const node of ['base', 'full']) {
    const show = await cli(dir, ['show', 'p.yaml', node, '--json']);
    assert.equal(show.code, 0, show.stderr);
    const runs = (JSON.parse(show.stdout) as { runs: Array<{ worker: boolean; facts: { backend: string; adapter?: { index: number; name: string; software: boolean } } }> }).runs;
    const facts = runs[runs.length - 1]!.facts;
    assert.equal(runs[runs.length - 1]!.worker, true);
    assert.equal(facts.backend, 'webgpu', node);
    assert.equal(facts.adapter?.index, 0, `${node}: ${JSON.stringify(facts)}`);
    assert.equal(typeof facts.adapter?.software, 'boolean');
  }
  const text = await cli(dir, ['show', 'p.yaml', 'full']);
  assert.match(text.stdout, /backend=webgpu adapter=\{"index":0,/);

  // An adapter that does not exist: the node fails, naming the adapters there are.
  const bad = await cli(dir, ['run', 'p.yaml', '--backend', 'webgpu', '--force', 'base', '--only', 'base'], { ...env, LAYERFUSE_WEBGPU_ADAPTER: '9' });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout + bad.stderr, /backend webgpu cannot load: LAYERFUSE_WEBGPU_ADAPTER=9: no adapter 9; Dawn lists: 0: /);
});
