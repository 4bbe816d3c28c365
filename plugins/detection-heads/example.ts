/**
 * Runnable example: an FCOS or CenterNet head on a small ResNet's feature
 * maps learns to find coloured rectangles in four 64x64 images.
 *
 *     deno run --allow-read --allow-env --allow-ffi --allow-sys plugins/detection-heads/example.ts [fcos|centernet]
 *
 * @module
 */
import { lookup, selectBackend, tf } from "@quadranet/core";
import "@quadranet/backend-blas";
import { createBackbone } from "@quadranet/backbones";
import { attachHead, featureGeometry } from "@quadranet/detection-heads";

await selectBackend("auto", { training: true });
const headName = Deno.args[0] ?? "fcos";

// four images, one or two filled rectangles each: red = class 0, green = class 1
const objects = [
  [[8, 10, 32, 30, 0]],
  [[30, 28, 58, 56, 1]],
  [[4, 36, 24, 60, 1], [36, 6, 60, 26, 0]],
  [[20, 16, 48, 44, 0]],
];
const pixels = new Float32Array(4 * 64 * 64 * 3);
objects.forEach((objs, b) => {
  for (const [x1, y1, x2, y2, c] of objs) {
    for (let y = y1; y < y2; y++) {
      for (let x = x1; x < x2; x++) pixels[((b * 64 + y) * 64 + x) * 3 + c] = 1;
    }
  }
});
const images = tf.tensor4d(pixels, [4, 64, 64, 3]);
const targets = objects.map((objs) => ({
  boxes: new Float32Array(objs.flatMap((o) => o.slice(0, 4))),
  labels: new Int32Array(objs.map((o) => o[4])),
}));

const backbone = await createBackbone("resnet18_w8", {
  featuresOnly: true,
  inputShape: [64, 64, 3],
});
const head = lookup("head", headName).create({
  numClasses: 2,
  ...featureGeometry(backbone), // strides [4, 8, 16, 32], channels [8, 16, 32, 64]
  channels: 32,
  headChannels: 32,
  towerConvs: 2,
  groups: 8,
  extraLevels: 0,
  seed: 1,
});
const detector = attachHead(backbone, head);
const optimizer = tf.train.adam(3e-3);
for (let step = 0; step <= 60; step++) {
  const loss = optimizer.minimize(
    () => head.loss(detector.apply(images, { training: true }) as tf.Tensor[], targets, [64, 64]),
    true,
  )!;
  if (step % 20 === 0) console.log(`step ${step}: loss ${(await loss.data())[0].toFixed(3)}`);
  loss.dispose();
}
const detections = await head.decode(detector.predict(images) as tf.Tensor[], {
  scoreThreshold: 0.2,
  maxDetections: 3,
  iouThreshold: 0.5,
  inputSize: [64, 64],
});
detections.forEach((d, b) => {
  const found = [...d.labels].map((label, i) =>
    `class ${label} [${[...d.boxes.subarray(4 * i, 4 * i + 4)].map((v) => v.toFixed(0))}] ${
      d.scores[i].toFixed(2)
    }`
  );
  console.log(`image ${b}: truth ${JSON.stringify(objects[b])}; found ${found.join("; ")}`);
});
