import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { buildFpn } from "./fpn.ts";

Deno.test("buildFpn gives one map per level with the FPN's top-down sum", () => {
  const c3 = tf.input({ shape: [null, null, 2] }), c4 = tf.input({ shape: [null, null, 3] });
  const outs = buildFpn([c3, c4], { channels: 4, extraLevels: 2, prefix: "fpn" });
  const m = tf.model({ inputs: [c3, c4], outputs: outs });
  const x3 = tf.randomNormal([1, 8, 8, 2], 0, 1, "float32", 1);
  const x4 = tf.randomNormal([1, 4, 4, 3], 0, 1, "float32", 2);
  const ys = m.predict([x3, x4]) as tf.Tensor[];
  assert.deepEqual(ys.map((y) => y.shape), [[1, 8, 8, 4], [1, 4, 4, 4], [1, 2, 2, 4], [
    1,
    1,
    1,
    4,
  ]]);
  // P3 before its 3x3 conv is lateral(c3) + nearest-upsampled lateral(c4): check through the layers
  const lat3 = m.getLayer("fpn_lateral_0").apply(x3) as tf.Tensor;
  const lat4 = m.getLayer("fpn_lateral_1").apply(x4) as tf.Tensor;
  const up = tf.image.resizeNearestNeighbor(lat4 as tf.Tensor4D, [8, 8]);
  const p3 = m.getLayer("fpn_out_0").apply(tf.add(lat3, up)) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(p3, ys[0]))).dataSync()[0] < 1e-5);
  // P7 = conv(relu(P6))
  const p7 = m.getLayer("fpn_extra_1").apply(tf.relu(ys[2])) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(p7, ys[3]))).dataSync()[0] < 1e-5);
});

Deno.test("buildFpn refuses no inputs and bad extra levels", () => {
  assert.throws(() => buildFpn([], { channels: 4, prefix: "p" }), /at least one input/);
  const c = tf.input({ shape: [null, null, 2] });
  assert.throws(() => buildFpn([c], { channels: 4, extraLevels: 3, prefix: "p" }), /0, 1 or 2/);
});
