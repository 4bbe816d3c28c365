import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { batchNormInference } from "./batch_norm.ts";
import { batchNormHandCase, checkBatchNormHandCase } from "../testing/batch_norm_case.ts";

Deno.test("batchNormTraining (composite): batch statistics, normalised output, moving update", () => {
  checkBatchNormHandCase(batchNormHandCase().map((t) => t.dataSync()));
});

Deno.test("batchNormInference (composite): γ(x − μ)/√(σ² + ε) + β", () => {
  const y = batchNormInference(
    tf.tensor1d([5]),
    tf.tensor1d([1]),
    tf.tensor1d([4]),
    tf.tensor1d([3]),
    tf.tensor1d([-1]),
    0,
  );
  assert.equal(y.dataSync()[0], 5); // 3·(5 − 1)/2 − 1
});

Deno.test("tfjs-layers BatchNormalization keeps its own path on backends without the fused kernel", () => {
  const layer = tf.layers.batchNormalization({ momentum: 0.5 });
  const x = tf.tensor2d([[1], [3]]);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  assert.ok(Math.abs(y.dataSync()[1] - 1 / Math.sqrt(1.001)) < 1e-6);
  // moving mean 0 → 0 − (0 − 2)·0.5 = 1
  assert.equal(layer.getWeights()[2].dataSync()[0], 1);
});
