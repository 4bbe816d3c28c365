import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import {
  bceWithLogits,
  gaussianFocalLoss,
  giouLoss,
  maskedL1,
  sigmoidFocalLoss,
} from "./losses.ts";
import { checkGradient } from "./testing/grad_check.ts";

const close = (a: number, b: number, tol = 1e-5, what = "value") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("sigmoidFocalLoss matches hand-computed values (α 0.25, γ 2)", () => {
  // x = 0, t = 1: p = 0.5, BCE = ln 2, α_t = 0.25, (1 − p_t)² = 0.25 → 0.0625·ln 2 = 0.0433217
  // x = 2, t = 0: p = σ(2) = 0.8807971, BCE = softplus(2) = 2.1269280, α_t = 0.75,
  //   (1 − p_t)² = p² = 0.7757996 → 0.75·0.7757996·2.1269280 = 1.2375550
  // x = −3, t = 0: p = 0.0474259, BCE = softplus(−3) = 0.0485874, 0.75·p²·BCE = 0.0000820
  const l = sigmoidFocalLoss(tf.tensor1d([0, 2, -3]), tf.tensor1d([1, 0, 0])).dataSync();
  close(l[0], 0.0433217);
  close(l[1], 1.2375550);
  close(l[2], 0.0000820, 1e-6);
});

Deno.test("giouLoss matches a hand-worked pair of boxes", () => {
  // point (0, 0); pred (l,t,r,b) = (1,1,1,1) is box [−1,−1,1,1]; target (0,0,2,2) is [0,0,2,2]
  // intersection [0,0,1,1] = 1, union 4 + 4 − 1 = 7, enclosing [−1,−1,2,2] = 9
  // GIoU = 1/7 − (9 − 7)/9 = −5/63 → loss 68/63 = 1.0793651
  // identical boxes: loss 0; pred (1,1,1,1) vs target (2,2,2,2): IoU 4/16, enclosing = union → 0.75
  const l = giouLoss(
    tf.tensor2d([[1, 1, 1, 1], [3, 1, 2, 5], [1, 1, 1, 1]]),
    tf.tensor2d([[0, 0, 2, 2], [3, 1, 2, 5], [2, 2, 2, 2]]),
  ).dataSync();
  close(l[0], 68 / 63);
  close(l[1], 0);
  close(l[2], 0.75);
});

Deno.test("bceWithLogits matches −t log p − (1−t) log(1−p) and stays finite at large logits", () => {
  // x = 1, t = 0.3: p = 0.7310586 → −0.3 ln 0.7310586 − 0.7 ln 0.2689414 = 1.0132617
  const l = bceWithLogits(tf.tensor1d([1, 100, -100]), tf.tensor1d([0.3, 1, 0])).dataSync();
  close(l[0], 1.0132617);
  close(l[1], 0, 1e-6);
  close(l[2], 0, 1e-6);
});

Deno.test("gaussianFocalLoss matches a hand computation (α 2, β 4)", () => {
  // three cells: a peak (y = 1) with x = 0; a neighbour y = 0.5 with x = 0; background y = 0, x = −2
  // peak: (1 − 0.5)² · ln 2 = 0.1732868
  // neighbour: (1 − 0.5)^4 · 0.5² · ln 2 = 0.0625 · 0.25 · 0.6931472 = 0.0108304
  // background: 1 · σ(−2)² · softplus(−2) = 0.1192029² · 0.1269280 = 0.0018036
  // one peak → loss 0.1859208
  const l = gaussianFocalLoss(
    tf.tensor1d([0, 0, -2]),
    tf.tensor1d([1, 0.5, 0]),
    tf.tensor1d([1, 0, 0]),
    1,
  ).dataSync()[0];
  close(l, 0.1732868 + 0.0108304 + 0.0018036);
});

Deno.test("maskedL1 averages |Δ| over the masked entries", () => {
  // masked rows 0 and 2: |1−0|+|2−4| + |−1−1|+|0−0| = 5, over 2 objects → 2.5
  const l = maskedL1(
    tf.tensor2d([[1, 2], [9, 9], [-1, 0]]),
    tf.tensor2d([[0, 4], [0, 0], [1, 0]]),
    tf.tensor2d([[1], [0], [1]]),
    2,
  ).dataSync()[0];
  close(l, 2.5);
});

Deno.test("loss gradients agree with finite differences", () => {
  const t = tf.tensor1d([1, 0, 0, 1, 0, 0]);
  checkGradient((x) => tf.sum(sigmoidFocalLoss(x, t)), tf.tensor1d([0.3, -1, 2, -0.5, 0.1, -3]), [
    0,
    1,
    2,
    3,
    4,
    5,
  ], { h: 1e-2, tol: 2e-3 });
  const target = tf.tensor2d([[2, 1, 3, 2], [1, 4, 2, 1]]);
  checkGradient(
    (x) => tf.sum(giouLoss(x, target)),
    tf.tensor2d([[1.5, 1.2, 2.5, 0.5], [2, 3, 1, 2]]),
    [0, 1, 2, 3, 4, 5, 6, 7],
    { h: 1e-3, tol: 5e-3 },
  );
  const heat = tf.tensor1d([1, 0.6, 0.1, 0]);
  const peaks = tf.tensor1d([1, 0, 0, 0]);
  checkGradient((x) => gaussianFocalLoss(x, heat, peaks, 1), tf.tensor1d([0.5, -0.2, 1, -2]), [
    0,
    1,
    2,
    3,
  ], { h: 1e-2, tol: 2e-3 });
  checkGradient(
    (x) => tf.sum(bceWithLogits(x, tf.tensor1d([0.2, 0.9]))),
    tf.tensor1d([1.5, -0.7]),
    [0, 1],
  );
});
