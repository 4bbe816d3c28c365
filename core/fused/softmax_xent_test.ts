import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { softmaxCrossEntropy } from "./softmax_xent.ts";

Deno.test("softmaxCrossEntropy (composite): ln 2 for equal logits; smoothing; shape errors", () => {
  assert.ok(
    Math.abs(
      softmaxCrossEntropy(tf.tensor2d([[1, 0]]), tf.zeros([1, 2])).dataSync()[0] - Math.LN2,
    ) < 1e-6,
  );
  // logits [0, ln 3] → p = [¼, ¾]; label 1, ls 0.2 → t = [0.1, 0.9]
  const l = softmaxCrossEntropy(tf.tensor2d([[0, 1]]), tf.tensor2d([[0, Math.log(3)]]), 0.2);
  assert.ok(Math.abs(l.dataSync()[0] - (0.1 * Math.log(4) + 0.9 * Math.log(4 / 3))) < 1e-6);
  assert.throws(
    () => softmaxCrossEntropy(tf.zeros([2, 3]), tf.zeros([2, 4])),
    /must both be \[B, C\]/,
  );
});
