import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, didYouMean } from '../../src/dsl/did-you-mean.js';

void test('did you mean: typos and transpositions find their word', () => {
  assert.equal(closest('model/trian', ['model/train', 'model/load']), 'model/train');
  assert.equal(closest('lyers', ['layers', 'lr']), 'layers');
  assert.equal(closest('nn', ['n', 'seed']), 'n');
  assert.equal(closest('Seed', ['seed']), 'seed');
});

void test('did you mean: replacing every letter of a short word is no suggestion', () => {
  assert.equal(closest('q', ['a', 'b']), undefined);
  assert.equal(closest('y', ['x']), undefined);
  assert.equal(didYouMean('zz', ['ab', 'cd']), '');
});
