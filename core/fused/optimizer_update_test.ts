import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { adamUpdate, sgdUpdate, sumOfSquares } from "./optimizer_update.ts";

// These run the composite fallback (cpu has no fused kernels); the blas
// plugin's tests compare its fused kernels against these.

Deno.test("adamUpdate (composite): first step moves by lr·sign(g); decoupled decay adds lr·wd·w", () => {
  const w = tf.variable(tf.tensor1d([1, 1])),
    m = tf.variable(tf.zeros([2])),
    v = tf.variable(tf.zeros([2]));
  adamUpdate([{ w, g: tf.tensor1d([2, -3]), m, v, weightDecay: 0.5 }], {
    lr: 0.1,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    t: 1,
  });
  // 1 − 0.1·(±1 + 0.5·1): [0.85, 1.05]
  assert.deepEqual(Array.from(w.dataSync(), (x) => +x.toFixed(5)), [0.85, 1.05]);
  // m = 0.1·g, v = 0.001·g²
  assert.deepEqual(Array.from(m.dataSync(), (x) => +x.toFixed(5)), [0.2, -0.3]);
  assert.deepEqual(Array.from(v.dataSync(), (x) => +x.toFixed(6)), [0.004, 0.009]);
});

Deno.test("sgdUpdate (composite): momentum, Nesterov and the gradient scale", () => {
  const w = tf.variable(tf.tensor1d([1])), buf = tf.variable(tf.tensor1d([1]));
  // g·scale = 2·0.5 = 1; buf = 0.9·1 + 1 = 1.9; nesterov step = 1 + 0.9·1.9 = 2.71
  sgdUpdate([{ w, g: tf.tensor1d([2]), buf, weightDecay: 0 }], {
    lr: 0.1,
    momentum: 0.9,
    nesterov: true,
    gradScale: 0.5,
  });
  assert.ok(Math.abs(buf.dataSync()[0] - 1.9) < 1e-6);
  assert.ok(Math.abs(w.dataSync()[0] - (1 - 0.271)) < 1e-6);
  assert.throws(
    () =>
      sgdUpdate([{ w, g: tf.tensor1d([1]), weightDecay: 0 }], {
        lr: 1,
        momentum: 0.9,
        nesterov: false,
      }),
    /momentum buffer/,
  );
});

Deno.test("sumOfSquares (composite): 1² + 2² + 3² = 14; empty list is 0", () => {
  assert.equal(sumOfSquares([tf.tensor1d([1, 2]), tf.tensor2d([[3]])]).dataSync()[0], 14);
  assert.equal(sumOfSquares([]).dataSync()[0], 0);
});
