import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { installFusedOps } from "./install.ts";

installFusedOps(); // the wrapped gradient, falling back to tfjs' own on cpu

Deno.test("ReLU gradient (tfjs' own where no fused kernel): w where x > 0, else 0", () => {
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), tf.tensor1d([2, 3, 4]))))(
    tf.tensor1d([-1, 0, 0.5]),
  );
  assert.deepEqual(Array.from(g.dataSync()), [0, 0, 4]);
});
