/** The inference flags of `run` and `run-node`: checked values, usage errors naming the flag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/cli/command.js';
import { inferenceFlags } from '../../src/cli/inference-options.js';

void test('inference flags: defaults pass through, threads parse, bad values are usage errors', () => {
  assert.deepEqual(inferenceFlags({ engine: 'auto', 'ort-provider': 'cpu' }), { engine: 'auto', ortProvider: 'cpu' });
  assert.deepEqual(inferenceFlags({ engine: 'tfjs', 'ort-provider': 'cuda', threads: '3', 'wasm-threads': '2' }), { engine: 'tfjs', ortProvider: 'cuda', threads: 3, wasmThreads: 2 });
  assert.deepEqual(inferenceFlags({ engine: 'auto', 'ort-provider': 'cpu', 'wasm-threads': 'auto' }), { engine: 'auto', ortProvider: 'cpu', wasmThreads: 'auto' });
  const usage = (v: Parameters<typeof inferenceFlags>[0], message: string): void =>
    assert.throws(() => inferenceFlags(v), (e: Error) => e instanceof UsageError && e.message === message);
  usage({ engine: 'onnx', 'ort-provider': 'cpu' }, "--engine must be one of auto, onnxruntime, tfjs, got 'onnx'");
  usage({ engine: 'auto', 'ort-provider': 'rocm' }, "--ort-provider must be one of cpu, cuda, got 'rocm'");
  usage({ engine: 'auto', 'ort-provider': 'cpu', threads: '0' }, "--threads takes a positive integer, got '0'");
  usage({ engine: 'auto', 'ort-provider': 'cpu', threads: '1.5' }, "--threads takes a positive integer, got '1.5'");
  usage({ engine: 'auto', 'ort-provider': 'cpu', 'wasm-threads': 'two' }, "--wasm-threads takes auto or a positive integer, got 'two'");
});
