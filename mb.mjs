import * as tf from '@tensorflow/tfjs-core';
const { initBackend } = await import('./dist/src/ml/backend.js');
const { DropoutRng } = await import('./dist/src/ml/bert/ops.js');
await initBackend('wasm');
const rng = new DropoutRng(3);
for (let r = 0; r < 3; r++) {
  let t0 = performance.now();
  const m = rng.mask([32, 4, 128, 128], 0.1); m.dataSync();
  const m2 = rng.mask([4096, 128], 0.1); const m3 = rng.mask([4096, 128], 0.1);
  let t1 = performance.now();
  const u = tf.randomUniform([32, 4, 128, 128], 0, 1, 'float32', 5); u.dataSync();
  let t2 = performance.now();
  console.log(`masks for one layer ${(t1 - t0).toFixed(1)} ms; randomUniform 2M ${(t2 - t1).toFixed(1)} ms`);
  tf.dispose([m, m2, m3, u]);
}
