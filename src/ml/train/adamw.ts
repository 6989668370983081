/**
 * AdamW (Loshchilov & Hutter) as torch.optim.AdamW: decoupled weight decay p ← p·(1 − lr·wd)
 * applied before the Adam step, bias-corrected moments. No decay on biases and LayerNorm
 * weights (the caller passes `decay(name)`; HF's no_decay convention by default).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWOptions {
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Which parameters decay (by name). */
  decay: (name: string) => boolean;
}

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
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
    for (const [name, p] of params) {
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

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}
