/** A small seeded model and a hand-made batch, shared by the checkpoint and training tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeConfig } from '../../src/ml/bert/config.js';
import { BertClassifier } from '../../src/ml/bert/model.js';
import type { Batch, BertConfig } from '../../src/ml/types.js';

export function smallConfig(over: Partial<BertConfig> = {}): BertConfig {
  return makeConfig({ vocabSize: 30, numLabels: 3, labels: ['neg', 'neu', 'pos'], hiddenSize: 16, numLayers: 3, numHeads: 2, intermediateSize: 32, maxPositions: 20, ...over });
}

export function smallModel(seed = 1, over: Partial<BertConfig> = {}): BertClassifier {
  return BertClassifier.create(smallConfig(over), { seed });
}

export function handBatch(): Batch {
  const rows = [
    [2, 5, 9, 11, 3, 0, 0],
    [2, 7, 7, 3, 0, 0, 0],
    [2, 13, 8, 6, 12, 21, 3],
    [2, 29, 3, 0, 0, 0, 0],
  ];
  const S = rows[0]!.length;
  return {
    batchSize: rows.length,
    seqLen: S,
    inputIds: Int32Array.from(rows.flat()),
    attentionMask: Int32Array.from(rows.flatMap((r) => r.map((t, i) => (i === 0 || t !== 0 ? 1 : 0)))),
    labels: Int32Array.from([0, 1, 2, 1]),
  };
}

export function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'layerfuse-model-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeVocab(dir: string, size = 30): void {
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const words = Array.from({ length: size - special.length }, (_, i) => `w${i}`);
  writeFileSync(join(dir, 'vocab.txt'), [...special, ...words].join('\n') + '\n');
}
