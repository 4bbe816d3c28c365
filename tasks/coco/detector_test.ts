/**
 * The detector of each arm: every random initialisation follows the seed (the head's kernels, the
 * adapters' weights), so a run repeats step for step; input sizes the backbone's strides reject
 * fail with a clear error naming `--input-size`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, lookup, Optimizer, saveModel, tf } from "@quadranet/core";
import { createBackbone } from "@quadranet/backbones";
import "@quadranet/detection-heads";
import "@quadranet/lora"; // registers the "lora" method
import { reseedKernels } from "../shared/reseed.ts";
import { buildDetector, checkInputSize, type Detector, disposeDetector } from "./detector.ts";
import type { ArmName } from "./settings.ts";
import { trainStep } from "./train_detector.ts";

const SIZE: [number, number] = [32, 32];

/** A fixed batch: two seeded random images, one box each (classes 0 and 2). */
function batch() {
  return {
    x: tf.randomNormal([2, 32, 32, 3], 0, 1, "float32", 5) as tf.Tensor4D,
    targets: [
      { boxes: new Float32Array([4, 6, 20, 24]), labels: new Int32Array([0]) },
      { boxes: new Float32Array([10, 2, 30, 14]), labels: new Int32Array([2]) },
    ],
  };
}

/** The losses of two AdamW steps of a freshly built detector and its parameters' values at start. */
async function twoSteps(arm: ArmName, weights: string, seed: number) {
  const d: Detector = await buildDetector(arm, {
    backbone: "resnet18_w8",
    weights,
    headPlugin: lookup("head", "centernet"),
    numClasses: 3,
    inputSize: SIZE,
    headWidth: 8,
    rank: 2,
    headInit: null,
    seed,
  });
  try {
    const start = d.params.map((p) => Array.from(p.variable.dataSync()));
    const opt = new Optimizer({ kind: "adamw", weightDecay: 1e-4 });
    const { x, targets } = batch();
    const loop = { clipNorm: 10, inputSize: SIZE };
    const losses = [await trainStep(d, opt, x, targets, loop, 1e-2)];
    // the step keeps no tensor of its own (optimizer slots exist from the first step on)
    const before = tf.memory().numTensors;
    losses.push(await trainStep(d, opt, x, targets, loop, 1e-2));
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    opt.dispose();
    return { start, losses };
  } finally {
    tf.dispose(d.headInit);
    disposeDetector(d);
  }
}

Deno.test("buildDetector: the same seed gives the same initial weights and first-step losses; another seed other ones", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "quadranet-coco-seed-" });
  try {
    // a fixed pre-trained backbone, as the task loads it from its files
    const net = reseedKernels(
      await createBackbone("resnet18_w8", { numClasses: 10, inputShape: [32, 32, 3] }),
      3,
    );
    await saveModel(net, join(tmp, "model"));
    net.dispose();
    const weights = join(tmp, "model", "model.json");
    for (const arm of ["full", "quadratic", "lora"] as const) {
      const a = await twoSteps(arm, weights, 1);
      const b = await twoSteps(arm, weights, 1);
      const c = await twoSteps(arm, weights, 2);
      // bit for bit: every parameter (head kernels, adapter U/V or A/B) and both losses
      assert.deepEqual(b.start, a.start, `${arm}: initial weights differ at one seed`);
      assert.deepEqual(b.losses, a.losses, `${arm}: losses differ at one seed`);
      assert.ok(a.losses.every(Number.isFinite) && a.losses[0] > 0);
      // a step was taken: the second loss is not the first
      assert.notEqual(a.losses[1], a.losses[0]);
      // another seed draws other head kernels, hence another first loss
      assert.notDeepEqual(c.start, a.start, `${arm}: seed 2 gave seed 1's weights`);
      assert.notEqual(c.losses[0], a.losses[0]);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("checkInputSize: sizes off the backbone's stride 32 name --input-size and what to give", async () => {
  const at = (side: number) =>
    createBackbone("resnet18_w8", { featuresOnly: true, inputShape: [side, side, 3] });
  for (const side of [32, 64, 96]) {
    const ok = await at(side);
    checkInputSize(ok, [side, side]); // no throw
    ok.dispose();
  }
  // 80 = 2.5 · 32: the stages are 20, 10, 5, 3 cells (the last one rounded up)
  const bad = await at(80);
  assert.throws(
    () => checkInputSize(bad, [80, 80]),
    (e: unknown) =>
      e instanceof ConfigError &&
      /--input-size 80 is not a multiple of 32/.test(e.message) &&
      /give --input-size 64 or 96/.test(e.message),
  );
  bad.dispose();
  // 48 = 1.5 · 32: 12, 6, 3, 2 cells
  const odd = await at(48);
  assert.throws(() => checkInputSize(odd, [48, 48]), /give --input-size 32 or 64/);
  odd.dispose();
});
