/**
 * Parity with the reference signals of ../shared/fixtures/tiny-bert/signals.json: the capture
 * pass (batches of 8, as recorded) and every score function, using the parameters recorded
 * there; plus accuracy and single-layer ablation drops on the same batch (parity-check.ts).
 */
import { test } from 'node:test';
import { initBackend } from '../../../src/ml/backend.js';
import { skipWithoutShared } from '../../util/shared.js';
import { checkSignalParity } from './parity-check.js';

void test('every signal matches the tiny-bert reference (signals.json)', { skip: skipWithoutShared() }, async () => {
  await initBackend('wasm');
  console.log(`signal parity (max abs error; relative for gradient-*): ${await checkSignalParity()}`);
});
