import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { rbfKernel } from "./rbf.ts";

/** An rbf kernel context over 3 channels with non-trivial weights. */
function context(training: boolean) {
  const v = (values: number[]) =>
    ({ read: () => tf.tensor1d(values) }) as unknown as tf.LayerVariable;
  return {
    weights: {
      bn_gamma: v([1.5, 0.7, 1]),
      bn_beta: v([0.1, -0.2, 0.3]),
      bn_moving_mean: v([0.2, 0.1, 0.4]),
      bn_moving_variance: v([0.5, 1.2, 0.8]),
    },
    options: rbfKernel.resolveOptions!({ sigma: 0.9 }),
    training,
  };
}

for (const training of [false, true]) {
  Deno.test(`rbf vjp: value equals apply and backward equals autodiff (training ${training})`, () => {
    const u = tf.randomNormal([4, 3], 0, 1, "float32", 1);
    const v = tf.randomNormal([4, 3], 0, 1, "float32", 2);
    const g = tf.randomNormal([4, 3], 0, 1, "float32", 3);
    const ctx = context(training);
    const { value, backward } = rbfKernel.vjp!(u, v, ctx);
    // apply() writes moving statistics in training mode; give it throwaway ones
    const writable = { ...ctx.weights };
    for (const k of ["bn_moving_mean", "bn_moving_variance"] as const) {
      const t = ctx.weights[k].read();
      writable[k] = { read: () => t, write: () => {} } as unknown as tf.LayerVariable;
    }
    const applied = rbfKernel.apply(u, v, { ...ctx, weights: writable });
    assert.ok(tf.max(tf.abs(tf.sub(value, applied))).dataSync()[0] < 1e-6);
    const [du, dv] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(rbfKernel.apply(a, b, { ...ctx, weights: writable }), g))
    )([u, v]);
    const mine = backward(g);
    for (const [got, want] of [[mine.du, du], [mine.dv, dv]]) {
      const err = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
      const scale = tf.max(tf.abs(want)).dataSync()[0];
      assert.ok(err <= 1e-5 * Math.max(scale, 1e-3), `err ${err} (scale ${scale})`);
    }
  });
}
