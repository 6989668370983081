/**
 * AdamW (Loshchilov & Hutter) as torch.optim.AdamW: decoupled weight decay p ← p·(1 − lr·wd)
 * applied before the Adam step, bias-corrected moments. No decay on biases and LayerNorm
 * weights (the caller passes `decay(name)`; HF's no_decay convention by default).
 *
 * Two ways to hold the state, the same update:
 * - `ops` (native and GPU backends): moments are TF.js variables, the update is TF.js ops.
 * - `heap` (WASM, the default there): moments are Float32Arrays in JS memory and the update is
 *   one JS loop over views of the WASM heap that writes the new parameter straight into a
 *   fresh tensor. Written by hand on purpose: as TF.js ops each step allocates and frees a dozen
 *   parameter-sized tensors, which fragments WASM's 4 GiB heap (its high-water mark grew ~0.35
 *   GiB in a bert-base step); the loop allocates one tensor per parameter there and keeps the
 *   moments (880 MB at bert-base) out of that heap altogether.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapBackend, type HeapBackend } from '../wasm-heap.js';

export interface AdamWOptions {
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Which parameters decay (by name). */
  decay: (name: string) => boolean;
  /** Where the state lives (see above); default `heap` on the WASM backend, else `ops`. */
  mode?: 'ops' | 'heap';
}

export class AdamW {
  /** `ops` mode: moments as variables. */
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  /** `heap` mode: moments in JS memory. */
  private readonly mArr = new Map<string, Float32Array>();
  private readonly vArr = new Map<string, Float32Array>();
  private readonly heap: HeapBackend | undefined;
  readonly mode: 'ops' | 'heap';
  private t = 0;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    private readonly opts: AdamWOptions,
  ) {
    this.b1 = opts.beta1 ?? 0.9;
    this.b2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.heap = heapBackend();
    if (opts.mode === 'heap' && !this.heap) throw new Error(`AdamW: mode 'heap' needs the wasm backend (this is ${tf.getBackend()})`);
    this.mode = opts.mode ?? (this.heap ? 'heap' : 'ops');
    for (const [name, p] of params) {
      if (this.mode === 'heap') {
        if (p.dtype !== 'float32') throw new Error(`AdamW: parameter ${name} is ${p.dtype}, not float32`);
        this.mArr.set(name, new Float32Array(p.size));
        this.vArr.set(name, new Float32Array(p.size));
        continue;
      }
      for (const state of [this.m, this.v]) {
        const zeros = tf.zerosLike(p);
        state.set(name, tf.variable(zeros, false));
        zeros.dispose();
      }
    }
  }

  /** One update with learning rate `lr`; `grads` may omit parameters (they stay put). */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    this.t += 1;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    if (this.mode === 'heap') {
      this.heapStep(grads, lr, c1, c2);
      return;
    }
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      const m = this.m.get(name);
      const v = this.v.get(name);
      if (!p || !m || !v) throw new Error(`AdamW: gradient for unknown parameter ${name}`);
      const wd = this.opts.decay(name) ? this.opts.weightDecay : 0;
      // Three tidies instead of one: each frees its temporaries before the next starts, so the
      // transient peak for a big tensor (bert-base's word embeddings, 94 MB) is a few copies
      // rather than a dozen, which leaves WASM's heap room for the backward. Same ops, same order.
      tf.tidy(() => m.assign(tf.add(tf.mul(m, this.b1), tf.mul(g, 1 - this.b1))));
      tf.tidy(() => v.assign(tf.add(tf.mul(v, this.b2), tf.mul(tf.square(g), 1 - this.b2))));
      tf.tidy(() => {
        const denom = tf.add(tf.sqrt(tf.div(v, c2)), this.eps);
        const decayed = wd > 0 ? tf.mul(p, 1 - lr * wd) : p;
        p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), lr / c1)));
      });
    }
  }

  private heapStep(grads: ReadonlyMap<string, tf.Tensor>, lr: number, c1: number, c2: number): void {
    const heap = this.heap!;
    const { b1, b2, eps } = this;
    // Loop constants hoisted (√(v/c2) = √v·(1/√c2)): the loop runs once per parameter value.
    const step = lr / c1;
    const ob1 = 1 - b1;
    const ob2 = 1 - b2;
    const rc2 = 1 / Math.sqrt(c2);
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      const m = this.mArr.get(name);
      const v = this.vArr.get(name);
      if (!p || !m || !v) throw new Error(`AdamW: gradient for unknown parameter ${name}`);
      if (g.size !== p.size || g.dtype !== 'float32') throw new Error(`AdamW: gradient for ${name} is ${g.dtype} with ${g.size} values, the parameter float32 with ${p.size}`);
      const keep = 1 - lr * (this.opts.decay(name) ? this.opts.weightDecay : 0);
      // The new value goes to a fresh tensor, not over the old one: the WASM backend caches
      // XNNPACK operators with packed weights by tensor, so a kernel changed in place would
      // keep multiplying with its old values. Views are taken after the last TF.js call (a
      // heap growth would detach them).
      const next = tf.zeros(p.shape, 'float32');
      const out = heap.typedArrayFromHeap(next) as Float32Array;
      const pd = heap.typedArrayFromHeap(p) as Float32Array;
      const gd = heap.typedArrayFromHeap(g) as Float32Array;
      const len = out.length;
      for (let i = 0; i < len; i++) {
        const gi = gd[i]!;
        const mi = b1 * m[i]! + ob1 * gi;
        const vi = b2 * v[i]! + ob2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        out[i] = pd[i]! * keep - (step * mi) / (Math.sqrt(vi) * rc2 + eps);
      }
      p.assign(next);
      next.dispose();
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
    this.mArr.clear();
    this.vArr.clear();
  }
}
