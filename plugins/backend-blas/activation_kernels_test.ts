import assert from "node:assert/strict";
import { FUSED, tf } from "@quadranet/core";
import { blasTest } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./backend.ts";

const reluGrad = (dy: tf.Tensor, x: tf.Tensor) =>
  tf.engine().runKernel(FUSED.reluGrad, { dy, x }) as tf.Tensor;

// The branch-free loops work on the float bits; these are the values where
// bit tricks go wrong: ±0, ±Inf, NaN of either sign, subnormals, and long
// arrays (the loops' main path) with a NaN in the middle (the exact path).
const SPECIAL = [0, -0, 1.5, -1.5, Infinity, -Infinity, NaN, -NaN, 1e-40, -1e-40, 3.4e38, -3.4e38];

function expectValues(got: Float32Array, want: number[], what: string): void {
  want.forEach((w, i) => {
    const g = got[i];
    assert.ok(
      Number.isNaN(w) ? Number.isNaN(g) : g === Math.fround(w),
      `${what}[${i}]: ${g} vs ${w}`,
    );
  });
}

blasTest("blas Relu: max(x, 0) with NaN kept, on special values and long arrays", async () => {
  await tf.setBackend(BLAS_BACKEND);
  const negNaN = new Float32Array(new Int32Array([-4194304]).buffer)[0]; // 0xffc00000: NaN, sign set
  for (const n of [SPECIAL.length, 4096]) {
    const xs = Array.from({ length: n }, (_, i) => SPECIAL[i % SPECIAL.length] * (1 + (i >> 4)));
    const want = xs.map((v) => (Number.isNaN(v) ? NaN : v < 0 ? 0 : v));
    expectValues(tf.relu(tf.tensor1d(xs)).dataSync() as Float32Array, want, `relu n=${n}`);
    const noNaN = xs.map((v) => (Number.isNaN(v) ? 2 : v));
    const wantNoNaN = noNaN.map((v) => (v < 0 ? 0 : v));
    expectValues(tf.relu(tf.tensor1d(noNaN)).dataSync() as Float32Array, wantNoNaN, "relu, no NaN");
  }
  assert.ok(Number.isNaN(tf.relu(tf.tensor1d([1, negNaN, -1])).dataSync()[1]), "negative NaN");
  await tf.setBackend("cpu");
});

blasTest("blas ReLU gradient: dy where x > 0, 0 elsewhere, NaN where x is NaN", async () => {
  await tf.setBackend(BLAS_BACKEND);
  for (const n of [SPECIAL.length, 4096]) {
    const xs = Array.from({ length: n }, (_, i) => SPECIAL[i % SPECIAL.length]);
    const dy = Array.from({ length: n }, (_, i) => (i % 7) - 3.25); // never 0
    const want = xs.map((v, i) => (Number.isNaN(v) ? NaN : v > 0 ? dy[i] : 0));
    const got = reluGrad(tf.tensor1d(dy), tf.tensor1d(xs)).dataSync() as Float32Array;
    expectValues(got, want, `reluGrad n=${n}`);
    const noNaN = xs.map((v) => (Number.isNaN(v) ? -2 : v));
    const want2 = noNaN.map((v, i) => (v > 0 ? dy[i] : 0));
    const got2 = reluGrad(tf.tensor1d(dy), tf.tensor1d(noNaN)).dataSync() as Float32Array;
    expectValues(got2, want2, "reluGrad, no NaN");
  }
  await tf.setBackend("cpu");
});
