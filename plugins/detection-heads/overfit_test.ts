/**
 * Each head, on a tiny conv backbone, learns to detect the one or two
 * rectangles of four synthetic 64x64 images within a bounded number of Adam
 * steps: the loss falls by a factor and every ground-truth box gets a
 * detection of its class with IoU > 0.5. Runs on the fastest backend that
 * loads (OpenBLAS when present: tfjs' cpu conv filter gradient is ~10x slower).
 */
import assert from "node:assert/strict";
import { selectBackend, tf } from "@quadranet/core";
import "@quadranet/backend-blas";
import { CenterNetHead } from "./centernet_head.ts";
import { FcosHead } from "./fcos_head.ts";
import type { DetectionHead } from "@quadranet/core";
import { iou, syntheticBatch, tinyBackbone } from "./testing/synthetic.ts";

await selectBackend("auto", { quiet: true, training: true });

async function overfit(head: DetectionHead, steps: number, lr: number) {
  const backbone = tinyBackbone(64, 7);
  const full = tf.model({
    inputs: backbone.inputs,
    outputs: head.model.apply(backbone.outputs) as tf.SymbolicTensor[],
  });
  const { images, targets } = syntheticBatch();
  const optimizer = tf.train.adam(lr);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = optimizer.minimize(
      () => head.loss(full.apply(images, { training: true }) as tf.Tensor[], targets, [64, 64]),
      true,
    )!;
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  const outputs = full.predict(images) as tf.Tensor[];
  const detections = await head.decode(outputs, {
    scoreThreshold: 0.05,
    maxDetections: 5,
    iouThreshold: 0.5,
    inputSize: [64, 64],
  });
  tf.dispose([...outputs, images]);
  optimizer.dispose();
  // best same-class IoU of each ground-truth box
  const best = targets.flatMap((t, b) =>
    [...t.labels].map((label, g) => {
      const gt = t.boxes.subarray(4 * g, 4 * g + 4);
      const d = detections[b];
      return Math.max(
        0,
        ...[...d.labels].map((l, i) =>
          l === label ? iou(d.boxes.subarray(4 * i, 4 * i + 4), gt) : 0
        ),
      );
    })
  );
  return { first: losses[0], last: losses[losses.length - 1], best };
}

Deno.test("FCOS overfits four synthetic images: loss ÷2.5, every box found with IoU > 0.5", async () => {
  const head = new FcosHead({
    numClasses: 2,
    featureStrides: [8, 16, 32],
    featureChannels: [16, 32, 32],
    channels: 32,
    towerConvs: 1,
    groups: 8,
    extraLevels: 0,
    seed: 3,
  });
  const r = await overfit(head, 30, 3e-3);
  console.log(
    `FCOS loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}; IoUs ${
      r.best.map((v) => v.toFixed(2))
    }`,
  );
  assert.ok(r.last < r.first / 2.5, `loss ${r.first} → ${r.last}`);
  assert.ok(r.best.every((v) => v > 0.5), `IoUs ${r.best}`);
});

Deno.test("CenterNet overfits four synthetic images: loss ÷4, every box found with IoU > 0.5", async () => {
  const head = new CenterNetHead({
    numClasses: 2,
    featureStrides: [8, 16, 32],
    featureChannels: [16, 32, 32],
    channels: 32,
    headChannels: 32,
    groups: 8,
    seed: 3,
  });
  const r = await overfit(head, 60, 3e-3);
  console.log(
    `CenterNet loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}; IoUs ${
      r.best.map((v) => v.toFixed(2))
    }`,
  );
  assert.ok(r.last < r.first / 4, `loss ${r.first} → ${r.last}`);
  assert.ok(r.best.every((v) => v > 0.5), `IoUs ${r.best}`);
});
