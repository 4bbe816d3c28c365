import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { quadEpilogue } from "./quad_epilogue.ts";

Deno.test("quadEpilogue (composite): s·(u ⊙ v)·P, hand-worked; gradients; shape error", () => {
  // u = [1, 2], v = [3, 4] → u ⊙ v = [3, 8]; P = [[1], [2]] → 19; s = 0.5 → 9.5
  const uv = tf.tensor2d([[1, 2, 3, 4]]), p = tf.tensor2d([[1], [2]]);
  assert.equal(quadEpilogue(uv, p, 0.5).dataSync()[0], 9.5);
  // d/du = s·P·v = 0.5·[3, 8]; d/dv = s·P·u = 0.5·[1, 4]; d/dP = s·(u ⊙ v) = [1.5, 4]
  const [duv, dp] = tf.grads((a: tf.Tensor, b: tf.Tensor) => quadEpilogue(a, b, 0.5))([uv, p]);
  assert.deepEqual(Array.from(duv.dataSync()), [1.5, 4, 0.5, 2]);
  assert.deepEqual(Array.from(dp.dataSync()), [1.5, 4]);
  assert.throws(() => quadEpilogue(tf.zeros([1, 3]), p, 1), /2·r = 4/);
});
