/**
 * Fused optimizer updates: Adam/AdamW and SGD (momentum, Nesterov) applied to
 * a whole list of variables in one kernel call where the backend has one,
 * else as the composite of tfjs ops the update is defined by. Also the
 * squared global gradient norm in one kernel.
 *
 * @example
 * ```ts
 * import { adamUpdate, tf } from "@quadranet/core";
 * const w = tf.variable(tf.ones([3])), m = tf.variable(tf.zeros([3])), v = tf.variable(tf.zeros([3]));
 * adamUpdate([{ w, g: tf.ones([3]), m, v, weightDecay: 0 }],
 *   { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1 });
 * // w ≈ 0.9 (the first Adam step moves each weight by lr)
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { FUSED, fusedKernelAvailable, runFused } from "./fused_ops.ts";

/** One variable of an Adam update with its gradient and slots. */
export interface AdamEntry {
  /** The weight, updated in place. */
  w: tf.Variable;
  /** Its gradient. */
  g: tf.Tensor;
  /** First-moment slot, updated in place. */
  m: tf.Variable;
  /** Second-moment slot, updated in place. */
  v: tf.Variable;
  /** Decoupled weight decay (AdamW): `w -= lr·wd·w`; 0 for plain Adam. */
  weightDecay: number;
}

/** Adam hyper-parameters of one step. */
export interface AdamSettings {
  /** Learning rate. */
  lr: number;
  /** First-moment decay. */
  beta1: number;
  /** Second-moment decay. */
  beta2: number;
  /** Added to √v̂. */
  epsilon: number;
  /** Step number, from 1 (bias correction). */
  t: number;
  /** Every gradient is multiplied by this first (gradient clipping); default 1. */
  gradScale?: number;
}

/** One variable of an SGD update. */
export interface SgdEntry {
  /** The weight, updated in place. */
  w: tf.Variable;
  /** Its gradient. */
  g: tf.Tensor;
  /** Momentum buffer (required when momentum > 0). */
  buf?: tf.Variable;
  /** L2 added to the gradient: `g + wd·w`. */
  weightDecay: number;
}

/** SGD hyper-parameters of one step. */
export interface SgdSettings {
  /** Learning rate. */
  lr: number;
  /** Momentum (0: plain SGD). */
  momentum: number;
  /** Nesterov's variant. */
  nesterov: boolean;
  /** Every gradient is multiplied by this first (gradient clipping); default 1. */
  gradScale?: number;
}

const f32 = (ts: tf.Tensor[]) => ts.every((t) => t.dtype === "float32");

/** Applies one Adam/AdamW step to every entry (in place on the variables). */
export function adamUpdate(entries: AdamEntry[], s: AdamSettings): void {
  if (entries.length === 0) return;
  const scale = s.gradScale ?? 1;
  if (
    fusedKernelAvailable(FUSED.adam) && entries.every((e) => f32([e.w, e.g, e.m, e.v]))
  ) {
    const inputs: Record<string, tf.Tensor> = {};
    entries.forEach((e, i) => {
      inputs[`w${i}`] = e.w;
      inputs[`g${i}`] = e.g;
      inputs[`m${i}`] = e.m;
      inputs[`v${i}`] = e.v;
    });
    const out = runFused(FUSED.adam, inputs, {
      ...s,
      gradScale: scale,
      weightDecay: entries.map((e) => e.weightDecay),
    });
    entries.forEach((e, i) => {
      e.w.assign(out[3 * i]);
      e.m.assign(out[3 * i + 1]);
      e.v.assign(out[3 * i + 2]);
    });
    tf.dispose(out);
    return;
  }
  tf.tidy(() => {
    for (const { w, g: g0, m, v, weightDecay: wd } of entries) {
      const g = scale === 1 ? g0 : tf.mul(g0, scale);
      m.assign(tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1)));
      v.assign(tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2)));
      const mHat = tf.div(m, 1 - s.beta1 ** s.t);
      const vHat = tf.div(v, 1 - s.beta2 ** s.t);
      let update = tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon));
      if (wd > 0) update = tf.add(update, tf.mul(w, wd));
      w.assign(tf.sub(w, tf.mul(update, s.lr)));
    }
  });
}

/** Applies one SGD step to every entry (in place on the variables and buffers). */
export function sgdUpdate(entries: SgdEntry[], s: SgdSettings): void {
  if (entries.length === 0) return;
  const scale = s.gradScale ?? 1;
  if (s.momentum > 0 && entries.some((e) => !e.buf)) {
    throw new Error("sgdUpdate: momentum > 0 needs a momentum buffer `buf` for every entry");
  }
  const useBuf = s.momentum > 0;
  if (
    fusedKernelAvailable(FUSED.sgd) &&
    entries.every((e) => f32(useBuf ? [e.w, e.g, e.buf!] : [e.w, e.g]))
  ) {
    const inputs: Record<string, tf.Tensor> = {};
    entries.forEach((e, i) => {
      inputs[`w${i}`] = e.w;
      inputs[`g${i}`] = e.g;
      if (useBuf) inputs[`b${i}`] = e.buf!;
    });
    const out = runFused(FUSED.sgd, inputs, {
      ...s,
      gradScale: scale,
      weightDecay: entries.map((e) => e.weightDecay),
    });
    const per = useBuf ? 2 : 1;
    entries.forEach((e, i) => {
      e.w.assign(out[per * i]);
      if (useBuf) e.buf!.assign(out[per * i + 1]);
    });
    tf.dispose(out);
    return;
  }
  tf.tidy(() => {
    for (const { w, g: g0, buf, weightDecay: wd } of entries) {
      const g = scale === 1 ? g0 : tf.mul(g0, scale);
      const grad = wd > 0 ? tf.add(g, tf.mul(w, wd)) : g;
      if (useBuf) {
        buf!.assign(tf.add(tf.mul(buf!, s.momentum), grad));
        const step = s.nesterov ? tf.add(grad, tf.mul(buf!, s.momentum)) : buf!;
        w.assign(tf.sub(w, tf.mul(step, s.lr)));
      } else {
        w.assign(tf.sub(w, tf.mul(grad, s.lr)));
      }
    }
  });
}

/** `Σ_i Σ t_i²` over all tensors, as a scalar (the squared global norm). */
export function sumOfSquares(ts: tf.Tensor[]): tf.Scalar {
  if (ts.length === 0) return tf.scalar(0);
  if (fusedKernelAvailable(FUSED.sumSquares) && f32(ts)) {
    const inputs: Record<string, tf.Tensor> = {};
    ts.forEach((t, i) => (inputs[`t${i}`] = t));
    return runFused(FUSED.sumSquares, inputs)[0] as tf.Scalar;
  }
  return tf.tidy(() => tf.addN(ts.map((g) => tf.sum(tf.square(g)))) as tf.Scalar);
}
