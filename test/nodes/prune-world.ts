/**
 * A small world for the prune and distill node tests: a word-order task (see `examples`), its
 * dataset and tokenizer in an in-memory cache, and a 4-layer model trained on it for a few
 * seconds, so that removing layers changes accuracy. Contexts count the evaluations their memo
 * computes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact, Manifest, NodeContext, PortType } from '../../src/artifacts/index.js';
import { MemoryCache } from '../../src/executor/memory-cache.js';
import { ExecContext } from '../../src/executor/node-context.js';
import { initBackend } from '../../src/ml/backend.js';
import { makeConfig } from '../../src/ml/bert/config.js';
import type { ModelManifest } from '../../src/ml/bert/manifest.js';
import { BertClassifier } from '../../src/ml/bert/model.js';
import { storeModel } from '../../src/ml/bert/store.js';
import { encodeExamples, makeBatches, storeDataset, type DatasetManifest } from '../../src/ml/data/index.js';
import { BertTokenizer, bertTokenizerJson, storeTokenizer } from '../../src/ml/tokenizer/index.js';
import { train } from '../../src/ml/train/index.js';
import type { Example } from '../../src/ml/types.js';

const MARKERS = ['red', 'green', 'blue'];
const FILLER = ['cyan', 'gold', 'gray', 'pink', 'teal', 'navy', 'lime', 'plum', 'sand', 'rose', 'jade', 'ruby'];

/**
 * Class = which of two marker words comes first (2 classes), or neither present (class 2):
 * word order matters, so attention layers carry the task and removing them costs accuracy.
 */
function examples(n: number, seed: number): Example[] {
  let s = seed >>> 0;
  const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, (_, i) => {
    const label = i % 3;
    const len = 4 + Math.floor(rand() * 5);
    const words = Array.from({ length: len }, () => FILLER[Math.floor(rand() * FILLER.length)]!);
    if (label < 2) {
      const a = Math.floor(rand() * (len - 1));
      const b = a + 1 + Math.floor(rand() * (len - 1 - a));
      words[a] = MARKERS[label]!;
      words[b] = MARKERS[1 - label]!;
    } else words[Math.floor(rand() * len)] = MARKERS[2]!;
    return { text: words.join(' '), label };
  });
}

export interface CountingContext extends ExecContext {
  /** Evaluations (memo entries) this context computed. */
  computed: number;
}

export function context(cache: MemoryCache, nodeId = 'node'): CountingContext {
  const dir = join(tmpdir(), `layerfuse-prune-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const ctx = new ExecContext({ nodeId, pipelineDir: dir, tmpDir: dir, backend: 'wasm', signal: new AbortController().signal, cache, logFile: join(dir, `${nodeId}.log`) });
  const counted = Object.assign(ctx, { computed: 0 });
  const memo = ctx.memo.bind(ctx);
  counted.memo = <T>(key: unknown, compute: () => Promise<T>): Promise<T> =>
    memo(key, () => {
      const p = compute();
      // A refused compute is a read of whether the entry exists (curve-scorer's peek), not a computation.
      return p.then((v) => {
        counted.computed++;
        return v;
      });
    });
  return counted;
}

export function artifact(type: PortType, manifest: Manifest, node: string = type): Artifact {
  return { type, manifest, digest: createHash('sha256').update(JSON.stringify({ type, manifest })).digest('hex'), from: { node, port: type } };
}

export interface World {
  cache: MemoryCache;
  model: ModelManifest;
  data: DatasetManifest;
}

export async function world(): Promise<World> {
  await initBackend('wasm');
  const cache = new MemoryCache();
  const ctx: NodeContext = context(cache, 'world');
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...MARKERS, ...FILLER];
  const tok = new BertTokenizer(bertTokenizerJson(vocab, { lowercase: true }), { maxLength: 12 });
  const tokenizer = await storeTokenizer(ctx, tok);
  const labels = ['r', 'g', 'b'];
  const splits = { train: examples(96, 1), validation: examples(30, 2), test: examples(36, 3), calibration: examples(12, 1) };
  const counts = Object.fromEntries(Object.entries(splits).map(([k, v]) => [k, [0, 1, 2].map((c) => v.filter((e) => e.label === c).length)])) as Record<keyof typeof splits, number[]>;
  const data = await storeDataset(ctx, labels, splits, counts, { path: 'data/words/data.jsonl', digest: 'synthetic' }, 1);
  const config = makeConfig({ vocabSize: vocab.length, numLabels: 3, labels, hiddenSize: 16, numLayers: 4, numHeads: 2, intermediateSize: 32, maxPositions: 12 });
  const classifier = BertClassifier.create(config, { seed: 11 });
  try {
    const enc = encodeExamples(tok, splits.train);
    await train(classifier, (e) => makeBatches(enc, 16, { shuffleSeed: 5 + e, sortByLength: true }), { epochs: 4, lr: 1e-2, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 3 });
    return { cache, model: await storeModel(ctx, classifier, { tokenizer }), data };
  } finally {
    classifier.dispose();
  }
}
