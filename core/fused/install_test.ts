import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { FUSED } from "./fused_ops.ts";

// tfjs as it is before anything of the project touched it (core/tf.ts only
// selects the cpu backend).
const bnClass = tf.serialization.SerializationMap.getMap()
  .classNameMap["BatchNormalization"][0] as unknown as { prototype: { call: unknown } };
const pristineCall = bnClass.prototype.call;
const pristineReluGrad = tf.getGradient(tf.Relu).gradFunc;

Deno.test("importing @quadranet/core leaves tfjs untouched until installFusedOps() is called", async () => {
  const core = await import("../mod.ts");
  assert.equal(bnClass.prototype.call, pristineCall, "BatchNormalization.prototype.call");
  assert.equal(tf.getGradient(tf.Relu).gradFunc, pristineReluGrad, "Relu gradient");
  for (const name of [FUSED.batchNormTrain, FUSED.softmaxXent, FUSED.quadEpilogue]) {
    assert.equal(tf.getGradient(name), undefined, `gradient of ${name}`);
  }
  assert.equal(core.fusedOpsInstalled(), false);

  core.installFusedOps();
  const installedCall = bnClass.prototype.call;
  const installedRelu = tf.getGradient(tf.Relu).gradFunc;
  assert.notEqual(installedCall, pristineCall);
  assert.notEqual(installedRelu, pristineReluGrad);
  assert.ok(tf.getGradient(FUSED.batchNormTrain) && tf.getGradient(FUSED.adaptedConv2dRecompute));
  assert.equal(core.fusedOpsInstalled(), true);
  core.installFusedOps(); // idempotent: nothing wrapped twice
  assert.equal(bnClass.prototype.call, installedCall);
  assert.equal(tf.getGradient(tf.Relu).gradFunc, installedRelu);
});

Deno.test("installFusedOps: on cpu (no fused kernels) ReLU's gradient and BatchNormalization keep tfjs' numbers", async () => {
  const { installFusedOps } = await import("./install.ts");
  installFusedOps();
  // d/dx Σ w·relu(x) = w where x > 0 (tfjs' step(0) = 0)
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), tf.tensor1d([2, 3, 4]))))(
    tf.tensor1d([-1, 0, 0.5]),
  );
  assert.deepEqual(Array.from(g.dataSync()), [0, 0, 4]);
  // x = [1, 3]: μ = 2, σ² = 1 → y = ±1/√(1 + 0.001); moving mean 0 − (0 − 2)·0.5 = 1
  const layer = tf.layers.batchNormalization({ momentum: 0.5 });
  const y = layer.apply(tf.tensor2d([[1], [3]]), { training: true }) as tf.Tensor;
  assert.ok(Math.abs(y.dataSync()[1] - 1 / Math.sqrt(1.001)) < 1e-6);
  assert.equal(layer.getWeights()[2].dataSync()[0], 1);
});
