import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { batchNormInference, batchNormTraining } from "./batch_norm.ts";

Deno.test("batchNormTraining (composite): batch statistics, normalised output, moving update", () => {
  // one channel, x = [1, 3]: μ = 2, σ² = 1; γ = 2, β = 1 → y = 1 ± 2/√(1 + ε)
  const r = batchNormTraining(
    tf.tensor2d([[1], [3]]),
    tf.tensor1d([2]),
    tf.tensor1d([1]),
    tf.tensor1d([0]),
    tf.tensor1d([1]),
    { epsilon: 1e-3, momentum: 0.9 },
  );
  const s = 2 / Math.sqrt(1.001);
  const y = r.y.dataSync();
  assert.ok(Math.abs(y[0] - (1 - s)) < 1e-6 && Math.abs(y[1] - (1 + s)) < 1e-6);
  assert.deepEqual([r.mean.dataSync()[0], r.variance.dataSync()[0]], [2, 1]);
  assert.ok(Math.abs(r.movingMean.dataSync()[0] - 0.2) < 1e-7); // 0 − (0 − 2)·0.1
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
