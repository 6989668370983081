import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onRelease, releaseAll } from '../../src/ml/release-hooks.js';

void test('releaseAll runs the latest registered first; registering again makes a hook the latest; a failing hook does not stop the others', () => {
  const order: string[] = [];
  const device = (): void => void order.push('device');
  const model = (): void => void order.push('model');
  const broken = (): void => {
    order.push('broken');
    throw new Error('boom');
  };
  onRelease(model); // a model from an earlier node...
  onRelease(broken);
  onRelease(device); // ...then a GPU device...
  onRelease(model); // ...then a model on that device, loaded again by the same hook
  const errors = releaseAll();
  assert.deepEqual(order, ['model', 'device', 'broken']);
  assert.deepEqual(errors.map((e) => e.message), ['boom']);
  assert.deepEqual(releaseAll(), [], 'hooks run once');
});
