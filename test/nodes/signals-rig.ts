/**
 * A small, self-contained world for the signal/score/fusion node tests: an in-memory tokenizer,
 * a labelled dataset with every split, and a freshly initialised 3-layer classifier, all stored
 * through a NodeContext as the real nodes store them (no ../shared needed).
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { ExecContext } from '../../src/executor/node-context.js';
import { initBackend } from '../../src/ml/backend.js';
import { makeConfig } from '../../src/ml/bert/config.js';
import { BertClassifier } from '../../src/ml/bert/model.js';
import { storeDataset, type DatasetManifest } from '../../src/ml/data/index.js';
import { BertTokenizer, bertTokenizerJson, storeTokenizer } from '../../src/ml/tokenizer/index.js';
import type { Example } from '../../src/ml/types.js';
import type { ModelManifest } from '../../src/ml/bert/manifest.js';
import { storeModel } from '../../src/ml/bert/store.js';
import type { Artifact, Manifest, NodeContext, NodeType, PortType } from '../../src/artifacts/index.js';
import { getNodeType } from '../../src/nodes/registry.js';

// One shared log file (appends only), rather than one per test process.
const LOG = join(tmpdir(), 'layerfuse-signals-test.log');

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];

export function makeContext(nodeId = 'test'): NodeContext & { cache: MemoryCache } {
  const cache = new MemoryCache();
  const ctx = new ExecContext({ nodeId, pipelineDir: '/', tmpDir: '/tmp', backend: 'cpu', signal: new AbortController().signal, cache, logFile: LOG });
  return Object.assign(ctx, { cache });
}

/** The same store under another node id (what the executor gives each node). */
export function asNode(ctx: NodeContext & { cache: MemoryCache }, nodeId: string): NodeContext {
  const c = new ExecContext({ nodeId, pipelineDir: '/', tmpDir: '/tmp', backend: 'cpu', signal: new AbortController().signal, cache: ctx.cache, logFile: LOG });
  return c;
}

export function artifact(type: PortType, manifest: Manifest, node: string = type): Artifact {
  return { type, manifest, digest: createHash('sha256').update(JSON.stringify({ type, manifest })).digest('hex'), from: { node, port: type } };
}

function examples(n: number, seed: number, oneClass = false): Example[] {
  return Array.from({ length: n }, (_, i) => {
    const label = oneClass ? 0 : i % 2;
    const len = 3 + ((i * 7 + seed) % 5);
    const words = Array.from({ length: len }, (_, k) => WORDS[(i * 3 + k * (label + 2) + seed) % WORDS.length]!);
    return { text: words.join(' '), label };
  });
}

export interface World {
  model: Artifact;
  data: Artifact;
  modelManifest: ModelManifest;
  classifier: BertClassifier;
}

export async function makeWorld(ctx: NodeContext, opts: { seed?: number; oneClass?: boolean; layers?: number; poison?: boolean } = {}): Promise<World> {
  await initBackend('cpu');
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];
  const tok = new BertTokenizer(bertTokenizerJson(vocab, { lowercase: true }), { maxLength: 16 });
  const tokManifest = await storeTokenizer(ctx, tok);
  const labels = ['even', 'odd'];
  const splits = { train: examples(16, 1), validation: examples(12, 2), test: examples(12, 3), calibration: examples(24, 4, opts.oneClass) };
  const counts = Object.fromEntries(Object.entries(splits).map(([k, v]) => [k, [0, 1].map((c) => v.filter((e) => e.label === c).length)])) as Record<keyof typeof splits, number[]>;
  const dataset: DatasetManifest = await storeDataset(ctx, labels, splits, counts, { path: 'synthetic.jsonl', digest: 'synthetic' }, 1);
  const config = makeConfig({ vocabSize: vocab.length, numLabels: 2, labels, hiddenSize: 8, numLayers: opts.layers ?? 3, numHeads: 2, intermediateSize: 16, maxPositions: 16 });
  const classifier = BertClassifier.create(config, { seed: opts.seed ?? 5 });
  if (opts.poison) {
    const name = 'bert.encoder.layer.1.output.dense.bias';
    const v = classifier.param(name);
    const { tensor } = await import('@tensorflow/tfjs-core');
    const bad = tensor(Array.from({ length: v.size }, () => NaN), v.shape);
    v.assign(bad);
    bad.dispose();
  }
  const modelManifest = await storeModel(ctx, classifier, { tokenizer: tokManifest });
  return { model: artifact('model', modelManifest), data: artifact('dataset', dataset), modelManifest, classifier };
}

/** Run a registered node type in process, as the executor would. */
export async function runNode(ctx: NodeContext, type: string, params: Record<string, unknown>, inputs: Record<string, Artifact | Artifact[] | undefined>): Promise<Record<string, Manifest>> {
  const t = getNodeType(type) as unknown as NodeType<Record<string, unknown>> | undefined;
  if (!t) throw new Error(`no node type ${type}`);
  return t.run(ctx, params, inputs);
}
