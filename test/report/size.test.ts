import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyToSize, bertParameters, sizeGB, sizeMB } from '../../src/report/size.js';

const BERT_BASE = { vocabSize: 30522, hiddenSize: 768, intermediateSize: 3072, maxPositions: 512, typeVocabSize: 2 };

void test('bert-base-uncased: 109,482,240 parameters plus 769 per class', () => {
  for (const classes of [1, 2, 4, 14]) {
    assert.equal(bertParameters({ ...BERT_BASE, numLabels: classes }, 12), 109_482_240 + 769 * classes, `${classes} classes`);
  }
});

void test('each bert-base layer holds 7,087,872 parameters; embeddings, pooler and classifier stay', () => {
  const full = bertParameters({ ...BERT_BASE, numLabels: 2 }, 12);
  assert.equal(full - bertParameters({ ...BERT_BASE, numLabels: 2 }, 6), 6 * 7_087_872);
  // No encoder layer left: embeddings (23,837,184) + pooler (590,592) + classifier (1,538).
  assert.equal(bertParameters({ ...BERT_BASE, numLabels: 2 }, 0), 23_837_184 + 590_592 + 1_538);
  assert.throws(() => bertParameters({ ...BERT_BASE, numLabels: 2 }, -1), /non-negative integer/);
});

void test('size: 4 bytes per parameter; GB and MB; accuracy per GB', () => {
  const p = 109_483_778; // bert-base, 2 classes
  assert.equal(sizeMB(p), 437.935112);
  assert.equal(sizeGB(p), 0.437935112);
  assert.ok(Math.abs(accuracyToSize(0.9, p) - 0.9 / 0.437935112) < 1e-12);
});
