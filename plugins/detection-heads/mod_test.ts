import assert from "node:assert/strict";
import { isRegistered, lookup, tf } from "@quadranet/core";
import { createBackbone } from "@quadranet/backbones";
import { attachHead, featureGeometry } from "./mod.ts";

Deno.test("importing the plugin registers fcos and centernet under kind head", () => {
  assert.ok(isRegistered("head", "fcos"));
  assert.ok(isRegistered("head", "centernet"));
  assert.throws(() => lookup("head", "yolo"), /centernet.*fcos|fcos.*centernet/s);
});

Deno.test("both heads train end to end on a featuresOnly backbone from @quadranet/backbones", async () => {
  const backbone = await createBackbone("resnet18_w4", {
    featuresOnly: true,
    inputShape: [64, 64, 3],
  });
  const geometry = featureGeometry(backbone);
  assert.deepEqual(geometry, { featureStrides: [4, 8, 16, 32], featureChannels: [4, 8, 16, 32] });
  const images = tf.randomUniform([2, 64, 64, 3], 0, 1, "float32", 5);
  const targets = [
    { boxes: new Float32Array([4, 6, 30, 40]), labels: new Int32Array([1]) },
    { boxes: new Float32Array([20, 20, 60, 50, 0, 0, 12, 12]), labels: new Int32Array([0, 1]) },
  ];
  for (const name of ["fcos", "centernet"]) {
    const head = lookup("head", name).create({
      numClasses: 2,
      ...geometry,
      channels: 8,
      headChannels: 8,
      towerConvs: 1,
      groups: 4,
      seed: 1,
    });
    const detector = attachHead(backbone, head, `detector_${name}`);
    // gradients reach the backbone: its first conv gets a non-zero gradient
    const first = backbone.getLayer("conv1").trainableWeights[0].read();
    const { grads } = tf.variableGrads(
      () => head.loss(detector.apply(images, { training: true }) as tf.Tensor[], targets, [64, 64]),
      [first as tf.Variable],
    );
    const g = Object.values(grads)[0];
    assert.ok(tf.max(tf.abs(g)).dataSync()[0] > 0, `${name}: no gradient reached the backbone`);
    const dets = await head.decode(detector.predict(images) as tf.Tensor[], {
      scoreThreshold: 0,
      maxDetections: 7,
      iouThreshold: 1,
      inputSize: [64, 64],
    });
    assert.equal(dets.length, 2);
    assert.equal(dets[0].scores.length, 7, `${name}: maxDetections caps the count`);
    for (const v of dets[0].boxes) {
      assert.ok(v >= 0 && v <= 64, `${name}: box clipped to the input`);
    }
  }
});

Deno.test("featureGeometry refuses an input size that is not a multiple of the strides", async () => {
  const backbone = await createBackbone("resnet18_w4", {
    featuresOnly: true,
    inputShape: [60, 60, 3],
  });
  assert.throws(() => featureGeometry(backbone), /input height 60 is not a multiple/);
});
