/**
 * Adapter listing and selection from what Dawn reports (no GPU needed): the list parsed from
 * Dawn's message, LAYERFUSE_WEBGPU_ADAPTER as an index or a name, identical GPUs, and which
 * adapters count as software.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseAdapter, describeAdapter, isSoftwareAdapter, parseAdapterList } from '../../src/ml/webgpu-adapters.js';

// The shape of dawn.node's rejection when no adapter matches `adapter=NAME` (src/dawn/node/binding/GPU.cpp).
const MESSAGE = [
  "no adapter  with name 'x' found",
  'Available adapters:',
  " * backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090'",
  " * backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090'",
  " * backend: 'vulkan', name: 'AMD Radeon Pro W7900 (RADV NAVI31)'",
  " * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'",
].join('\n');

void test("Dawn's adapter list is parsed in its order", () => {
  const listed = parseAdapterList(MESSAGE);
  assert.deepEqual(
    listed.map((a) => [a.index, a.backend, a.name]),
    [
      [0, 'vulkan', 'NVIDIA GeForce RTX 4090'],
      [1, 'vulkan', 'NVIDIA GeForce RTX 4090'],
      [2, 'vulkan', 'AMD Radeon Pro W7900 (RADV NAVI31)'],
      [3, 'vulkan', 'llvmpipe (LLVM 15.0.6, 256 bits)'],
    ],
  );
  assert.deepEqual(parseAdapterList('no suitable backends found'), []);
  // Names are printed between quotes without escaping: one with a quote in it still parses.
  assert.deepEqual(parseAdapterList("Available adapters:\n * backend: 'metal', name: 'Bob's GPU'"), [{ index: 0, backend: 'metal', name: "Bob's GPU" }]);
});

void test('LAYERFUSE_WEBGPU_ADAPTER: unset is Dawn\'s first, an integer an index, text part of a name', () => {
  const listed = parseAdapterList(MESSAGE);
  assert.deepEqual(chooseAdapter(listed, undefined), { index: 0, flag: undefined });
  assert.deepEqual(chooseAdapter(listed, ' '), { index: 0, flag: undefined });
  assert.deepEqual(chooseAdapter(listed, '2'), { index: 2, flag: 'AMD Radeon Pro W7900 (RADV NAVI31)' });
  assert.deepEqual(chooseAdapter(listed, '3'), { index: 3, flag: 'llvmpipe (LLVM 15.0.6, 256 bits)' });
  assert.deepEqual(chooseAdapter(listed, 'Radeon'), { index: 2, flag: 'Radeon' });
  assert.deepEqual(chooseAdapter(listed, 'llvmpipe'), { index: 3, flag: 'llvmpipe' });
});

void test('an identical second GPU cannot be singled out by name: the choice says so', () => {
  const listed = parseAdapterList(MESSAGE);
  assert.deepEqual(chooseAdapter(listed, '1'), { index: 0, flag: 'NVIDIA GeForce RTX 4090', requested: 1 });
  // A name contained in an earlier adapter's name has the same problem.
  const nested = parseAdapterList("Available adapters:\n * backend: 'vulkan', name: 'GPU X Pro'\n * backend: 'vulkan', name: 'GPU X'");
  assert.deepEqual(chooseAdapter(nested, '1'), { index: 0, flag: 'GPU X', requested: 1 });
  assert.deepEqual(chooseAdapter(nested, '0'), { index: 0, flag: 'GPU X Pro' });
});

void test('a value that selects nothing is an error naming the adapters', () => {
  const listed = parseAdapterList(MESSAGE);
  assert.throws(() => chooseAdapter(listed, '4'), /LAYERFUSE_WEBGPU_ADAPTER=4: no adapter 4; Dawn lists: 0: NVIDIA GeForce RTX 4090 \(vulkan\); .*3: llvmpipe/);
  assert.throws(() => chooseAdapter(listed, 'Intel'), /no adapter name contains 'Intel'; Dawn lists: 0: NVIDIA/);
  assert.throws(() => chooseAdapter([], undefined), /no WebGPU adapter: Dawn lists no adapter \(no Vulkan\/D3D12\/Metal driver found\)/);
});

void test('software adapters: the fallback flag, or a known CPU driver name', () => {
  assert.equal(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ada', isFallbackAdapter: false }, 'NVIDIA GeForce RTX 4090'), false);
  assert.equal(isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3' }, 'AMD Radeon Pro W7900 (RADV NAVI31)'), false);
  assert.equal(isSoftwareAdapter({ isFallbackAdapter: true }), true);
  assert.equal(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software' }), true);
  assert.equal(isSoftwareAdapter({}, 'llvmpipe (LLVM 15.0.6, 256 bits)'), true);
  assert.equal(isSoftwareAdapter({ description: 'SwiftShader Device (Subzero)' }), true);
  assert.equal(isSoftwareAdapter({ description: 'Microsoft Basic Render Driver' }), true);
});

void test('an adapter reads as one log line', () => {
  const a = { index: 1, backend: 'vulkan', name: 'AMD Radeon Pro W7900', vendor: 'amd', architecture: 'rdna-3', description: '', software: false };
  assert.equal(describeAdapter(a), 'AMD Radeon Pro W7900 (amd rdna-3, vulkan, adapter 1)');
  assert.equal(describeAdapter({ ...a, vendor: '', architecture: '', name: 'llvmpipe', software: true }), 'llvmpipe (vulkan, adapter 1), software');
});
